"""Contact extraction from web pages (extruct, mailto:, tel:)."""
