"""Reading input: column names, config, raw files, the loaded dataset, the sample base."""
