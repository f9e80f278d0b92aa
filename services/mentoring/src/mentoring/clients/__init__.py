"""The service the mentoring service asks, through a typed client with its own token: the registry."""
