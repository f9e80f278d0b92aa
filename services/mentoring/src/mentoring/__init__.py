"""The mentoring service: TPK teams, mentoring visits, WHO 2006 growth z-scores."""
