// Preloaded with NODE_OPTIONS=--import: this process reports Node 20.1.0, an
// older Node than coffer supports (bad-input.test.ts).
Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.1.0' } });
Object.defineProperty(process, 'version', { value: 'v20.1.0' });
