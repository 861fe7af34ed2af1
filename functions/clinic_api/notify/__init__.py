"""NotifyFunction and DigestFunction: staff learn that requests exist, never what they say."""
