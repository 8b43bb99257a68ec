"""The point of contact: this state's notices signed and delivered to partner states, theirs
verified against the trust registry before screening or consultation sees them."""
