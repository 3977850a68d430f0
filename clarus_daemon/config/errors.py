"""Invalid configuration: start-up stops with a message naming the key."""


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""
