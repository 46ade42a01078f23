"""Spreadsheets carework writes: the city's results workbook (`carework export`) and the collection form a school
fills in (`carework form`). They sit above `checking` (they read a CheckRun or the record schema) and beside `report`.
"""
