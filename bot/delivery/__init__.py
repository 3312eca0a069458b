"""Delivery of opted-in contact details to the engagement agency, by email."""
