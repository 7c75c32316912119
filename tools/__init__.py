"""Developer tools run from a source checkout (`python -m tools.devtools ...`): never installed."""
