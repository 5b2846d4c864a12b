"""HTTP helpers every view shares: error shapes, flags, parsers, throttles, paging, permissions, limits."""
