"""The services GENTING asks, each through a typed client with its own token: the registry (members,
families, regions), the mentoring service (children's growth) and DASHAT (its food list)."""
