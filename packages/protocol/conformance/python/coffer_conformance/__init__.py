"""Independent Python reader/writer for the Coffer envelope format, version 1.

Written from packages/protocol/SPEC.md alone (no TypeScript source was read),
to check that the specification is complete enough for another team.
"""
