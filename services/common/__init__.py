"""What every QuBì service shares: configuration, caller context, errors, database and bus."""
