"""ofsted-kg queries."""
