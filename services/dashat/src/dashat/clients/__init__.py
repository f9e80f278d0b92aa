"""The services DASHAT asks, each through a typed client with its own token: the registry (recipients, the
desa's KRS figures), the mentoring service (the desa's stunting figures) and GENTING (aid checks, the ledger)."""
