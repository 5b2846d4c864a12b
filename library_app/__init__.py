"""Each person's library: what they watched, where they stopped, when they last looked at a channel."""
