"""Reading the old inference kit's files and proposing the daemon's configuration."""
