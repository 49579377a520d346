# The item list, target directory, plans, draws and inspections arrive with their issues.
