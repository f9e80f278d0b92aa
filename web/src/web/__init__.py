"""The web console of the Kampung KB platform: server-rendered pages that read and write only through the
gateway's public API with the signed-in person's own token."""
