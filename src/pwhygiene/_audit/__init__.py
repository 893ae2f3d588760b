"""The vault audit: pure checks over items, one report model, several renderers."""
