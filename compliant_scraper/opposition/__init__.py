"""Opposition lists (Bloctel and its kind, R7) and the keyed-hash suppression list (R8)."""
