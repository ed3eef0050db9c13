// Entry point of coffer-server. The replication server is being built (issue 3).
console.error('coffer-server: not built yet (see issue 3)');
process.exit(1);
