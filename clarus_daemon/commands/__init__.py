"""Sub-commands of the `clarus-daemon` command line."""
