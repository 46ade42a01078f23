"""The plan and its rules: expressions, check kinds, loading a plan, judging one school, waivers, explaining rules."""
