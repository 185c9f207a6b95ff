"""The directory's contract: what the gateway and other services may import from it."""
