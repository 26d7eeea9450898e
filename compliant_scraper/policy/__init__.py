"""Policy registry: legal's TOML files, validated, and the decisions they imply (R2)."""
