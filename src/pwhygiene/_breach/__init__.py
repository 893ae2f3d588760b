"""Breach lookups: the range client, the offline index and the embedded blocklist."""
