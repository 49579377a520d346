"""Development tools that are not part of the product (nothing in it imports them)."""
