"""Test helpers every service's suite uses: databases per backend built by Alembic, tokens, cleanup."""
