"""The genting service: GENTING sponsors, anak asuh, aid and the 80/20 budget ledger."""
