"""Test support shared by several test modules (import as ``support.<module>``)."""
