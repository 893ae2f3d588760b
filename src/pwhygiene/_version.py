"""The version, in one place: hatch reads it for the build, the User-Agent for requests."""

__version__ = "0.1.0.dev0"
