"""Durable storage in SQLite. Every SQL statement of the product lives in this package."""
