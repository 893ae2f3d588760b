"""Reading password-manager exports into :class:`Vault` objects."""
