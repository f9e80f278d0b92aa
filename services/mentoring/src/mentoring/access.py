"""Who may do what in the mentoring service (docs/api.md: roles and scope). Visits and the people mentored
are health records (UU PDP 27/2022): viewers, sponsors and kitchens never read them, only the reports."""

from kkb_shared.auth import Role, require

READ = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["mentoring:read"])
RECORD = require(Role.ADMIN, Role.OPERATOR, Role.TPK, Role.INTEGRATION, scopes=["mentoring:write"])
MANAGE = require(Role.ADMIN, Role.OPERATOR, Role.INTEGRATION, scopes=["mentoring:write"])
REPORTS = require(Role.ADMIN, Role.OPERATOR, Role.VIEWER, Role.TPK, Role.INTEGRATION, scopes=["mentoring:read"])
