"""The project's own package: what every Kampung KB service needs, and no domain logic."""
