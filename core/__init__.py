"""What every layer may import: the one Settings object and the one wall clock."""
