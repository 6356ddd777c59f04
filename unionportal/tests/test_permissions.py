"""Every URL with every role: who gets in, who is sent to log in, who is refused.

A URL added without a line here fails test_every_url_is_in_the_matrix, so that nobody ships a
page whose access nobody thought about."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import AuditEntry, GrassrootsUnion, Organisation
from unionportal.lib.months import Month

ROLES = ["anonymous", "no_role", "federation", "leader", "provincial", "superuser"]
LOGIN = "login"  # a redirect to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


def _everyone(status):
    return dict.fromkeys(ROLES, status)


def _signed_in(status, *, anonymous=LOGIN, no_role=None):
    return {**_everyone(status), "anonymous": anonymous, "no_role": status if no_role is None else no_role}


def _people(status):
    """Member records (personal data): provincial and federation staff; leadership reads no names."""
    return {**_signed_in(status, no_role=FORBIDDEN), "leader": FORBIDDEN}


def _provincial_only(status):
    """Provincial staff and administrators only; no_role users cannot even see the federation."""
    return {**_signed_in(FORBIDDEN, no_role=NOT_FOUND), "provincial": status, "superuser": status}


# Objects the URLs below point at, made by the `world` fixture: the federation user's own
# federation DT with its CĐCS DT01, and another federation PB with PB01.
OWN = {"code": "DT", "month": "2021-03"}
OWN_CDCS = {"code": "DT01"}
OWN_ROW = {"code": "DT01", "month": "2021-03"}
OWN_UPLOAD = {"code": "DT", "pk": lambda world: world["uploads"]["DT"].pk}
OTHER_UPLOAD = {"code": "PB", "pk": lambda world: world["uploads"]["PB"].pk}
# A member in DT01 and one in PB01, whom PB01 asks DT01 to take (a pending transfer).
OWN_MEMBER = {"pk": lambda world: world["members"]["DT"].pk}
OTHER_MEMBER = {"pk": lambda world: world["members"]["PB"].pk}
TRANSFER_TO_OWN = {"pk": lambda world: world["transfer"].pk}
OTHER_TRANSFER = {"pk": lambda world: world["other_transfer"].pk}  # PB01 → PB02 [helper: security]
OWN_LIST = {"code": "DT01", "pk": lambda world: world["member_lists"]["DT01"].pk}  # [helper: member lists]
OTHER_LIST = {"code": "PB01", "pk": lambda world: world["member_lists"]["PB01"].pk}
OWN_COURSE = {"pk": lambda world: world["courses"]["DT"].pk}  # [helper: training]
OTHER_COURSE = {"pk": lambda world: world["courses"]["PB"].pk}  # [helper: training]
# The annual CĐCS rating: 2020 closed, 2021 open with DT01 and PB01 self-assessed, 2022 open with
# their results final; a previewed self-assessment sheet for DT and one for PB. [helper: ratings]
RATING_YEAR = {"year": 2021}
RATING_OWN = {"year": 2021, "code": "DT"}
RATING_OTHER = {"year": 2021, "code": "PB"}
RATING_OWN_UPLOAD = {**RATING_OWN, "pk": lambda world: world["rating_uploads"]["DT"].pk}
RATING_OTHER_UPLOAD = {**RATING_OTHER, "pk": lambda world: world["rating_uploads"]["PB"].pk}
RATING_CODES = ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2")  # ratings.defaults


def _rating_rubric(status):
    """Rubric pages: provincial staff only; users without a role are refused too. [helper: ratings]"""
    return {**_signed_in(FORBIDDEN), "provincial": status, "superuser": status}


def _empty_formset(prefix):
    """A formset posted with no rows: the rubric saved unchanged (and audited). [helper: ratings]"""
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def _rating_write(status):
    """A federation's self-assessment and reviews: its staff and provincial staff. [helper: ratings]"""
    return {**_signed_in(status, no_role=NOT_FOUND), "leader": FORBIDDEN}


OWN_ENTERPRISE = {"pk": lambda world: world["register_enterprises"]["DT"].pk}  # [helper: organising]
OTHER_ENTERPRISE = {"pk": lambda world: world["register_enterprises"]["PB"].pk}  # [helper: organising]
OWN_ENTERPRISE_LIST = {"pk": lambda world: world["enterprise_uploads"]["DT"].pk}  # [helper: organising]
OTHER_ENTERPRISE_LIST = {"pk": lambda world: world["enterprise_uploads"]["PB"].pk}  # [helper: organising]
ORG_WRITE = {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}  # [helper: organising]
ORG_STAFF = {**_signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}  # [helper: organising]
ORG_STAFF_POST = {**_signed_in(REDIRECT, no_role=FORBIDDEN), "leader": FORBIDDEN}  # [helper: organising]
ORG_LEND = {**_provincial_only(REDIRECT), "no_role": NOT_FOUND}  # [helper: organising]

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # the annual CĐCS rating: everyone with a role reads, provincial staff set rubrics and close years [helper: ratings]
    "ratings:index": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: ratings]
    "ratings:rubric_new": ("post", _rating_rubric(400), {}),  # no year: refused [helper: ratings]
    "ratings:rubric": ("get", _signed_in(OK, no_role=FORBIDDEN), RATING_YEAR),  # [helper: ratings]
    "ratings:rubric_criteria": ("get", _rating_rubric(OK), RATING_YEAR),  # [helper: ratings]
    "ratings:rubric_levels": ("get", _rating_rubric(OK), RATING_YEAR),  # [helper: ratings]
    "ratings:rubric_close": ("post", _rating_rubric(REDIRECT), RATING_YEAR),  # [helper: ratings]
    "ratings:rubric_reopen": ("post", _rating_rubric(REDIRECT), {"year": 2020}),  # [helper: ratings]
    "ratings:report": ("get", _signed_in(OK, no_role=FORBIDDEN), RATING_YEAR),  # [helper: ratings]
    "ratings:grid": ("get", _signed_in(OK, no_role=NOT_FOUND), RATING_OWN),  # [helper: ratings]
    "ratings:template": ("get", _signed_in(OK, no_role=NOT_FOUND), RATING_OWN),  # [helper: ratings]
    "ratings:upload": ("get", _rating_write(OK), RATING_OWN),  # [helper: ratings]
    "ratings:upload_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), RATING_OWN_UPLOAD),  # [helper: ratings]
    "ratings:upload_confirm": ("post", _rating_write(REDIRECT), RATING_OWN_UPLOAD),  # [helper: ratings]
    "ratings:upload_discard": ("post", _rating_write(REDIRECT), RATING_OWN_UPLOAD),  # [helper: ratings]
    "ratings:review": ("get", _signed_in(OK, no_role=NOT_FOUND), {"year": 2021, "code": "DT01"}),  # [helper: ratings]
    "ratings:review_reopen": ("post", _rating_write(REDIRECT), {"year": 2022, "code": "DT01"}),  # [helper: ratings]
    "home": ("get", _signed_in(REDIRECT), {}),
    "login": ("get", {**_everyone(REDIRECT), "anonymous": OK}, {}),
    "logout": ("get", _everyone(NOT_ALLOWED), {}),
    "set_language": ("get", _everyone(REDIRECT), {}),  # only a POST changes the language
    "reports:progress": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:progress_export": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # this year's report as .xlsx
    "reports:dashboard": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:dashboard_export": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:brief": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # the meeting brief, A4
    "reports:brief_docx": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    # the entry grid and the workflow: no_role users see no federation at all, so a 404
    "members:grid_start": ("get", {**_signed_in(OK, no_role=FORBIDDEN), "federation": REDIRECT}, {}),
    "members:grid": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:return_submit": ("post", {**_signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN),
    "members:return_approve": ("post", _provincial_only(REDIRECT), OWN),
    "members:return_send_back": ("post", _provincial_only(REDIRECT), OWN),
    "members:return_unlock": ("post", _provincial_only(REDIRECT), OWN),
    "members:return_history": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:board": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    # the CĐCS register
    "members:cdcs_list": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "members:cdcs_new": ("get", {**_signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}, {}),
    "members:cdcs_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    "members:cdcs_dissolve": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_CDCS),
    "members:cdcs_move": ("get", _provincial_only(OK), OWN_CDCS),
    "members:cdcs_merge": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_CDCS),
    "members:figure_history": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_ROW),
    # the Excel round trip: everyone who sees the federation gets the template and the history;
    # those who may change its figures upload, confirm and download the original files
    "members:month_template": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:month_export": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:upload": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN),
    "members:upload_history": ("get", _signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "members:upload_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_UPLOAD),
    "members:upload_confirm": ("post", {**_signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    "members:upload_discard": ("post", {**_signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    "members:upload_file": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    # quotas: everyone with a role reads them, provincial staff change them
    "targets:programme_list": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "targets:programme_new": ("get", {**_provincial_only(OK), "no_role": FORBIDDEN}, {}),
    "targets:quotas": ("get", _signed_in(OK, no_role=FORBIDDEN), {"pk": lambda world: world["programme"].pk}),
    # drill-down from a federation's figures to its CĐCS and their months: no_role users see none, so a 404
    "reports:federation_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "reports:federation_detail_export": ("get", _signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "reports:cdcs_months": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    "reports:cdcs_months_export": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    # the JSON API answers in JSON, never with the login page: 401 without a session or a token
    "reports:api_progress": ("get", {**_signed_in(OK, no_role=FORBIDDEN), "anonymous": 401}, {}),
    # the member register: names and ID numbers, for staff only [helper: people]
    "members:people": ("get", _people(OK), {}),
    "members:person_new": ("get", _people(OK), {}),
    "members:person": ("get", _people(OK), OWN_MEMBER),
    "members:person_id": ("post", _people(OK), OWN_MEMBER),  # the whole ID number, audited
    "members:person_edit": ("get", _people(OK), OWN_MEMBER),
    "members:person_leave": ("get", _people(OK), OWN_MEMBER),
    "members:person_transfer": ("get", _people(OK), OWN_MEMBER),
    "members:transfers": ("get", _people(OK), {}),
    "members:transfer_accept": ("post", _people(REDIRECT), TRANSFER_TO_OWN),  # no date: refused with a message
    "members:transfer_reject": ("post", _people(REDIRECT), TRANSFER_TO_OWN),  # no reason: refused with a message
    "members:transfer_cancel": ("post", {**_people(REDIRECT), "federation": FORBIDDEN}, TRANSFER_TO_OWN),
    # member lists in Excel: names and full ID numbers, for staff of the CĐCS only [helper: member lists]
    "members:member_list_template": ("get", _people(OK), OWN_CDCS),
    "members:member_list_export": ("post", _people(OK), OWN_CDCS),  # audited, so a POST
    "members:member_list_upload": ("get", _people(OK), OWN_CDCS),
    "members:member_list_preview": ("get", _people(OK), OWN_LIST),
    "members:member_list_confirm": ("post", _people(REDIRECT), OWN_LIST),
    "members:member_list_discard": ("post", _people(REDIRECT), OWN_LIST),
    # reconciliation with the register: counts for everyone who sees the figures, names for staff [helper: reconcile]
    "members:reconcile_province": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),
    "members:reconcile": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:reconcile_cdcs": ("get", {**_people(OK), "no_role": NOT_FOUND}, {**OWN, "cdcs": "DT01"}),  # names
    "organising:funnel": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: funnel]
    # the register of enterprises without a union, and their pipeline [helper: organising]
    "organising:enterprise_list": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: organising]
    "organising:enterprise_new": ("get", ORG_STAFF, {}),  # [helper: organising]
    "organising:priority_rule": ("get", {**_provincial_only(OK), "no_role": FORBIDDEN}, {}),  # [helper: organising]
    "organising:enterprise_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_edit": ("get", ORG_WRITE, OWN_ENTERPRISE),  # [helper: organising]
    # an empty form posted is shown again with its errors [helper: organising]
    "organising:contact_log": ("post", ORG_WRITE, OWN_ENTERPRISE),  # [helper: organising]
    "organising:stage_move": ("post", ORG_WRITE, OWN_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_found": ("post", ORG_WRITE, OWN_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_link": ("post", ORG_WRITE, OWN_ENTERPRISE),  # [helper: organising]
    "organising:lent_staff": ("post", ORG_LEND, OWN_ENTERPRISE),  # [helper: organising]
    "organising:list_template": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: organising]
    "organising:list_export": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: organising]
    "organising:list_upload": ("get", ORG_STAFF, {}),  # [helper: organising]
    "organising:list_preview": ("get", ORG_STAFF, OWN_ENTERPRISE_LIST),  # [helper: organising]
    "organising:list_confirm": ("post", ORG_STAFF_POST, OWN_ENTERPRISE_LIST),  # [helper: organising]
    "organising:list_discard": ("post", ORG_STAFF_POST, OWN_ENTERPRISE_LIST),  # [helper: organising]
    # cadre training: everyone with a role reads, leadership changes nothing [helper: training]
    "training:course_list": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: training]
    "training:course_new": ("get", {**_signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}, {}),
    "training:course_detail": ("get", _signed_in(OK, no_role=NOT_FOUND), OWN_COURSE),  # [helper: training]
    "training:course_edit": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_COURSE),
    "training:course_delete": ("get", {**_signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_COURSE),
    "training:report": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: training]
    "training:report_export": ("get", _signed_in(OK, no_role=FORBIDDEN), {}),  # [helper: training]
    "health": ("get", _everyone(OK), {}),  # the load balancer's check, no login [helper: deploy]
}

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER = {"code": "PB", "month": "2021-03"}
OTHER_FEDERATIONS = {
    # another federation's rating pages, uploads and CĐCS results [helper: ratings]
    "ratings:grid": ("get", RATING_OTHER),  # [helper: ratings]
    "ratings:grid#post": ("post", RATING_OTHER),  # [helper: ratings]
    "ratings:template": ("get", RATING_OTHER),  # [helper: ratings]
    "ratings:upload": ("get", RATING_OTHER),  # [helper: ratings]
    "ratings:upload#post": ("post", RATING_OTHER),  # [helper: ratings]
    "ratings:upload_detail": ("get", RATING_OTHER_UPLOAD),  # [helper: ratings]
    "ratings:upload_detail#own-code": ("get", {**RATING_OTHER_UPLOAD, "code": "DT"}),  # [helper: ratings]
    "ratings:upload_confirm": ("post", RATING_OTHER_UPLOAD),  # [helper: ratings]
    "ratings:upload_confirm#own-code": ("post", {**RATING_OTHER_UPLOAD, "code": "DT"}),  # [helper: ratings]
    "ratings:upload_discard": ("post", RATING_OTHER_UPLOAD),  # [helper: ratings]
    "ratings:review": ("get", {"year": 2021, "code": "PB01"}),  # [helper: ratings]
    "ratings:review#post": ("post", {"year": 2021, "code": "PB01"}),  # [helper: ratings]
    "ratings:review_reopen": ("post", {"year": 2022, "code": "PB01"}),  # [helper: ratings]
    "members:grid": ("get", OTHER),
    "members:return_submit": ("post", OTHER),
    "members:return_history": ("get", OTHER),
    "members:cdcs_detail": ("get", {"code": "PB01"}),
    "members:cdcs_dissolve": ("get", {"code": "PB01"}),
    "members:cdcs_merge": ("get", {"code": "PB01"}),
    "members:figure_history": ("get", {"code": "PB01", "month": "2021-03"}),
    "members:month_template": ("get", OTHER),
    "members:month_export": ("get", OTHER),
    "members:upload": ("get", OTHER),
    "members:upload_history": ("get", {"code": "PB"}),
    "members:upload_detail": ("get", OTHER_UPLOAD),
    "members:upload_file": ("get", OTHER_UPLOAD),
    "members:upload_detail#own-code": ("get", {"code": "DT", "pk": lambda world: world["uploads"]["PB"].pk}),
    "reports:federation_detail": ("get", {"code": "PB"}),
    "reports:federation_detail_export": ("get", {"code": "PB"}),
    "reports:cdcs_months": ("get", {"code": "PB01"}),
    "reports:cdcs_months_export": ("get", {"code": "PB01"}),
    # the reconciliation, and another federation's CĐCS under their own code [helper: reconcile]
    "members:reconcile": ("get", OTHER),
    "members:reconcile_cdcs": ("get", {**OTHER, "cdcs": "PB01"}),
    "members:reconcile_cdcs#own-code": ("get", {**OWN, "cdcs": "PB01"}),
    # and what they post there
    "members:grid#post": ("post", OTHER),
    "members:cdcs_dissolve#post": ("post", {"code": "PB01"}),
    "members:cdcs_merge#post": ("post", {"code": "PB01"}),
    "members:upload#post": ("post", OTHER),
    "members:upload_confirm": ("post", OTHER_UPLOAD),
    "members:upload_discard": ("post", OTHER_UPLOAD),
    # another federation's CĐCS's member lists, even an upload under their own CĐCS's code [helper: member lists]
    "members:member_list_template": ("get", {"code": "PB01"}),
    "members:member_list_export": ("post", {"code": "PB01"}),
    "members:member_list_upload": ("get", {"code": "PB01"}),
    "members:member_list_upload#post": ("post", {"code": "PB01"}),
    "members:member_list_preview": ("get", OTHER_LIST),
    "members:member_list_preview#own-code": ("get", {**OTHER_LIST, "code": "DT01"}),
    "members:member_list_confirm": ("post", OTHER_LIST),
    "members:member_list_discard": ("post", OTHER_LIST),
    # another federation's members, even by their record number [helper: people]
    "members:person": ("get", OTHER_MEMBER),
    "members:person_id": ("post", OTHER_MEMBER),
    "members:person_edit": ("get", OTHER_MEMBER),
    "members:person_edit#post": ("post", OTHER_MEMBER),
    "members:person_leave": ("get", OTHER_MEMBER),
    "members:person_leave#post": ("post", OTHER_MEMBER),
    "members:person_transfer": ("get", OTHER_MEMBER),
    "members:person_transfer#post": ("post", OTHER_MEMBER),
    # another federation's enterprises and enterprise lists, by guessed ids [helper: organising]
    "organising:enterprise_detail": ("get", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_edit": ("get", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_edit#post": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:contact_log": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:stage_move": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_found": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:enterprise_link": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:lent_staff": ("post", OTHER_ENTERPRISE),  # [helper: organising]
    "organising:list_preview": ("get", OTHER_ENTERPRISE_LIST),  # [helper: organising]
    "organising:list_confirm": ("post", OTHER_ENTERPRISE_LIST),  # [helper: organising]
    "organising:list_discard": ("post", OTHER_ENTERPRISE_LIST),  # [helper: organising]
    "training:course_detail": ("get", OTHER_COURSE),  # [helper: training]
    "training:course_edit": ("get", OTHER_COURSE),  # [helper: training]
    "training:course_edit#post": ("post", OTHER_COURSE),  # [helper: training]
    "training:course_delete": ("get", OTHER_COURSE),  # [helper: training]
    "training:course_delete#post": ("post", OTHER_COURSE),  # [helper: training]
    # provincial-only actions on another federation's month or CĐCS: 404 too, not 403 [helper: security]
    "members:return_approve": ("post", OTHER),  # [helper: security]
    "members:return_send_back": ("post", OTHER),
    "members:return_unlock": ("post", OTHER),  # [helper: security]
    "members:cdcs_move": ("get", {"code": "PB01"}),  # [helper: security]
    "members:cdcs_move#post": ("post", {"code": "PB01"}),  # [helper: security]
    # a transfer between two of PB's CĐCS, by its number [helper: security]
    "members:transfer_accept": ("post", OTHER_TRANSFER),  # [helper: security]
    "members:transfer_reject": ("post", OTHER_TRANSFER),  # [helper: security]
    "members:transfer_cancel": ("post", OTHER_TRANSFER),  # [helper: security]
}

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written.
WRITES = {
    # the annual CĐCS rating [helper: ratings]
    "ratings:rubric_new": ({}, {"year": "2030"}),  # [helper: ratings]
    # [helper: ratings]
    "ratings:rubric_criteria": (RATING_YEAR, _empty_formset("groups") | _empty_formset("criteria")),
    "ratings:rubric_levels": (RATING_YEAR, _empty_formset("levels")),  # [helper: ratings]
    "ratings:rubric_close": (RATING_YEAR, {}),  # [helper: ratings]
    "ratings:rubric_reopen": ({"year": 2020}, {"reason": "Sửa sai sót khi nhập"}),  # [helper: ratings]
    "ratings:grid": (RATING_OWN, {f"s-{{dt01}}-{code}": "5" for code in RATING_CODES}),  # [helper: ratings]
    "ratings:upload_confirm": (RATING_OWN_UPLOAD, {}),  # [helper: ratings]
    "ratings:review": ({"year": 2021, "code": "DT01"}, {**{f"c-{code}": "4" for code in RATING_CODES},
                                                         "note": "Hạ điểm", "finalise": ""}),  # [helper: ratings]
    "ratings:review_reopen": ({"year": 2022, "code": "DT01"}, {"reason": "Thẩm định lại"}),  # [helper: ratings]
    "members:grid": (OWN, {"version": "1", "r{dt01}-admitted": "5"}),
    "members:return_submit": (OWN, {}),
    "members:return_approve": (OWN, {}),
    "members:return_send_back": (OWN, {"reason": "thử"}),
    "members:return_unlock": (OWN, {"reason": "thử"}),
    "members:cdcs_new": ({}, {"code": "N1", "name": "CĐCS mới", "employer": "Công ty", "sector": "fdi",
                              "workers": "10", "founded_on": "2021-03-05", "federation": "{dt}"}),
    "members:cdcs_dissolve": (OWN_CDCS, {"on": "2021-03-20", "reason": "Phá sản"}),
    "members:cdcs_move": (OWN_CDCS, {"federation": "{pb}", "from_month": "2021-03"}),
    "members:cdcs_merge": (OWN_CDCS, {"into": "PB01", "on": "2021-03-20"}),
    "members:upload_confirm": (OWN_UPLOAD, {}),
    "targets:quotas": ({"pk": lambda world: world["programme"].pk}, {"q-{dt}-2021-new_members": "100"}),
    "targets:programme_new": ({}, {"name": "CT mới", "document_number": "9/CTr", "document_date": "2024-01-02",
                                   "first_year": "2024", "last_year": "2028"}),
    # the member register [helper: people]
    "members:person_new": ({}, {"cdcs": "DT01", "mode": "new", "full_name": "Lê Văn Cường", "joined_on": "2021-03-08"}),
    "members:person_id": (OWN_MEMBER, {}),
    "members:person_edit": (OWN_MEMBER, {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male",
                                         "id_number": "001090001234", "joined_on": "2021-03-05", "job": "Thợ may"}),
    "members:person_leave": (OWN_MEMBER, {"on": "2021-03-20", "reason": "job"}),
    "members:person_transfer": (OWN_MEMBER, {"to_cdcs": "PB01", "note": "Chuyển công tác"}),
    "members:transfer_accept": (TRANSFER_TO_OWN, {"on": "2021-03-25"}),
    "members:transfer_reject": (TRANSFER_TO_OWN, {"note": "Không có hồ sơ"}),
    "members:transfer_cancel": (TRANSFER_TO_OWN, {}),
    # member lists [helper: member lists]
    "members:member_list_confirm": (OWN_LIST, {}),
    # the enterprise register [helper: organising]
    "organising:enterprise_new": ({}, {  # [helper: organising]
        "name": "Công ty TNHH May Việt", "tax_code": "4600999001", "federation": "{dt}", "sector": "fdi",
        "workers": "300"}),
    "organising:enterprise_edit": (OWN_ENTERPRISE, {  # [helper: organising]
        "name": "Công ty CP Gạch Đại Từ", "tax_code": "4600100001", "federation": "{dt}", "sector": "private",
        "workers": "150"}),
    "organising:contact_log": (OWN_ENTERPRISE, {  # [helper: organising]
        "contact-on": "2021-03-10", "contact-kind": "visit", "contact-outcome": "Gặp giám đốc",
        "contact-next_step": "Họp người lao động", "contact-next_step_on": "2021-04-01"}),
    "organising:stage_move": (OWN_ENTERPRISE, {  # [helper: organising]
        "move-to_stage": "approached", "move-on": "2021-03-15"}),
    "organising:enterprise_found": (OWN_ENTERPRISE, {  # [helper: organising]
        "found-code": "DT09", "found-name": "CĐCS Công ty Gạch", "found-founded_on": "2021-03-20"}),
    "organising:enterprise_link": (OWN_ENTERPRISE, {"link-cdcs": "DT01"}),  # [helper: organising]
    "organising:lent_staff": (OWN_ENTERPRISE, {}),  # [helper: organising]
    "organising:priority_rule": ({}, {"min_workers": "30", "stuck_days": "60"}),  # [helper: organising]
    "organising:list_confirm": (OWN_ENTERPRISE_LIST, {}),  # [helper: organising]
    # cadre training [helper: training]
    "training:course_new": ({}, {"organiser": "DT", "starts_on": "2021-03-10", "topic": "Nghiệp vụ công đoàn",
                                 "officers": "30", "attendance-TOTAL_FORMS": "1", "attendance-INITIAL_FORMS": "0",
                                 "attendance-0-cdcs": "{dt01}", "attendance-0-officers": "5"}),
    "training:course_edit": (OWN_COURSE, {
        "starts_on": "2021-03-02", "topic": "Kỹ năng thương lượng tập thể", "officers": "45",
        "attendance-TOTAL_FORMS": "0", "attendance-INITIAL_FORMS": "0"}),
    "training:course_delete": (OWN_COURSE, {}),
}  # fmt: skip


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_in_the_matrix():
    assert set(_names(get_resolver().url_patterns)) == set(MATRIX)


@pytest.fixture
def world(federation, other_federation, make_cdcs, province):
    """Two federations with a CĐCS each and a month of figures, and a programme with quotas."""
    from targets.models import Programme

    make_cdcs(federation, code="DT01", opening=50, first_month=Month(2021, 3))
    make_cdcs(other_federation, code="PB01", opening=40, first_month=Month(2021, 3))
    programme = Programme.objects.create(
        name="Chương trình thử", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    return {
        "programme": programme,
        **_ratings_world(),
        "uploads": {org.code: _upload(org) for org in (federation, other_federation)},
        **_people_world(),
        **_reconcile_world(),
        **_member_list_world(),
        **_organising_world(),
        **_training_world(),
        **_security_world(),
    }


def _security_world():
    """A second CĐCS of PB's, PB02, and a member PB01 asks it to take: a transfer no DT user may
    see or act on. [helper: security]"""
    from members.models import Sector
    from members.services import MemberData, cdcs_found, member_admit, member_transfer_request

    pb01 = GrassrootsUnion.objects.get(code="PB01")
    pb02 = cdcs_found(
        code="PB02", name="CĐCS Công ty Bình Minh", employer="Công ty Bình Minh", sector=Sector.PRIVATE, workers=60,
        founded_on=date(2015, 1, 1), federation=Organisation.objects.get(code="PB"), user=None,
    )  # fmt: skip
    cuc = member_admit(cdcs=pb01, data=MemberData("Lê Thị Cúc", date(2021, 3, 7)), user=None)
    return {"other_transfer": member_transfer_request(member=cuc, to_cdcs=pb02, user=None)}


def _training_world():
    """A course of DT's in March 2021 with 4 officers of DT01, and one of PB's. [helper: training]"""
    from training.services import CourseData, course_create

    courses = {}
    for code in ("DT", "PB"):
        cdcs = GrassrootsUnion.objects.get(code=f"{code}01")
        data = CourseData(date(2021, 3, 2), "Kỹ năng thương lượng tập thể", 40, attendance=[(cdcs, 4)])
        courses[code] = course_create(organiser=Organisation.objects.get(code=code), data=data, user=None)
    return {"courses": courses}


def _organising_world():
    """An enterprise of DT's and one of PB's identified on 01/03/2021, and a previewed enterprise
    list of each, adding one enterprise. [helper: organising]"""
    from organising.imports import EnterpriseList, list_preview
    from organising.models import EnterpriseListUpload
    from organising.services import enterprise_create

    enterprises, uploads = {}, {}
    for number, code in enumerate(("DT", "PB"), start=1):
        org = Organisation.objects.get(code=code)
        enterprises[code] = enterprise_create(
            name=f"Công ty Gạch {code}", tax_code=f"4600{number}00001", federation=org, sector="private", workers=80,
            on=date(2021, 3, 1), user=None,
        )  # fmt: skip
        row = {"row": 4, "tax_code": f"4600{number}00002", "name": "Công ty Mới", "address": "", "federation": code,
               "sector": "private", "workers": 30, "cdcs": ""}  # fmt: skip
        read = EnterpriseList(rows=[row])
        uploads[code] = EnterpriseListUpload.objects.create(
            federation=org, file_name="doanh-nghiep.xlsx", size=2, sha256="0" * 64, outcome="preview",
            parsed={**read.as_json(), "plan": list_preview(read, user=None).plan},
        )  # fmt: skip
    return {"register_enterprises": enterprises, "enterprise_uploads": uploads}


def _member_list_world():
    """A previewed member list for DT01 and one for PB01: one person admitted in March 2021. [helper: member lists]"""
    from members.member_list_import import list_preview
    from members.member_lists import MemberList
    from members.models import MemberListUpload

    uploads = {}
    for cdcs in GrassrootsUnion.objects.filter(code__in=["DT01", "PB01"]):
        row = {"row": 7, "full_name": "Lê Văn Dũng", "joined_on": "2021-03-10", "born_on": "1991-01-02"}
        members = MemberList(cdcs_code=cdcs.code, month="2021-03", rows=[row])
        plan = list_preview(members, cdcs=cdcs, month=Month(2021, 3), user=None).plan
        uploads[cdcs.code] = MemberListUpload.objects.create(
            cdcs=cdcs, month=date(2021, 3, 1), file_name="danh-sach.xlsx", size=2, sha256="0" * 64,
            outcome="preview", parsed={**members.as_json(), "plan": plan},
        )  # fmt: skip
    return {"member_lists": uploads}


def _ratings_world():
    """Rubrics of 2020 (closed), 2021 (open, DT01 and PB01 self-assessed) and 2022 (open, results
    final), and a previewed self-assessment sheet for DT and one for PB. [helper: ratings]"""
    from ratings.imports import ScoreSheet
    from ratings.models import RatingUpload
    from ratings.selectors import rubric_rules
    from ratings.services import assessment_review, assessments_self_save, rubric_close, rubric_create

    rubrics = {year: rubric_create(year=year, user=None) for year in (2020, 2021, 2022)}
    uploads = {}
    for org in Organisation.objects.filter(code__in=["DT", "PB"]):
        cdcs = GrassrootsUnion.objects.get(code=f"{org.code}01")
        for year, rubric in rubrics.items():
            scores = {c.id: c.max_score - 1 for c in rubric_rules(rubric=rubric).criteria}
            (assessment,) = assessments_self_save(rubric=rubric, federation=org, scores={cdcs.pk: scores}, user=None)
            if year != 2021:
                assessment_review(assessment=assessment, scores=scores, note="", finalise=True, user=None)
        row = {"row": 6, "code": cdcs.code, "scores": dict.fromkeys(RATING_CODES, 5)}
        sheet = ScoreSheet(org.code, "2021", {code: code for code in RATING_CODES}, [row])
        uploads[org.code] = RatingUpload.objects.create(
            rubric=rubrics[2021], federation=org, file_name="tu-cham.xlsx", size=2, outcome="preview",
            parsed=sheet.as_json(),
        )  # fmt: skip
    rubric_close(rubric=rubrics[2020], user=None)
    return {"rating_uploads": uploads}


def _reconcile_world():
    """DT01 keeps its member register from 03/2021, so that its drill-down lists someone. [helper: reconcile]"""
    from members.services import MemberData, member_admit

    dt01 = GrassrootsUnion.objects.get(code="DT01")
    old = MemberData("Phạm Văn Cũ", date(2015, 1, 5))
    return {"registered": member_admit(cdcs=dt01, data=old, existing=True, month=Month(2021, 3), user=None)}


def _people_world():
    """A member in DT01 and one in PB01, whom PB01 has asked DT01 to take. [helper: people]"""
    from members.services import MemberData, member_admit, member_transfer_request

    dt01, pb01 = GrassrootsUnion.objects.get(code="DT01"), GrassrootsUnion.objects.get(code="PB01")
    an = MemberData("Nguyễn Văn An", date(2021, 3, 5), date(1990, 5, 1), "male", id_number="001090001234")
    binh = MemberData("Trần Thị Bình", date(2021, 3, 6), date(1992, 2, 2), "female", id_number="001192005678")
    members = {"DT": member_admit(cdcs=dt01, data=an, user=None), "PB": member_admit(cdcs=pb01, data=binh, user=None)}
    return {"members": members, "transfer": member_transfer_request(member=members["PB"], to_cdcs=dt01, user=None)}


def _upload(org, code=None):
    """A previewed upload that adds 5 admissions to the federation's CĐCS (or `code`) in March 2021."""
    from members.models import MonthlyReturn, Upload
    from members.month_sheet import Sheet

    row = {"row": 9, "code": code or f"{org.code}01", "values": {"admitted": 5}}
    sheet = Sheet(org_code=org.code, month="2021-03", rows=[row])
    return Upload.objects.create(
        federation=org, month=date(2021, 3, 1), source="upload", file_name="so-lieu.xlsx", content=b"PK", size=2,
        sha256="0" * 64, outcome="preview", parsed=sheet.as_json(),
        return_version=MonthlyReturn.objects.get(federation=org, month=date(2021, 3, 1)).version,
    )  # fmt: skip


def _kwargs(kwargs, world):
    return {key: value(world) if callable(value) else value for key, value in kwargs.items()}


@pytest.fixture
def users(world, federation_user, leader, provincial_staff, superuser, no_role_user):
    return {
        "no_role": no_role_user,
        "federation": federation_user,
        "leader": leader,
        "provincial": provincial_staff,
        "superuser": superuser,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, users, world, role, name):
    method, expected, kwargs = MATRIX[name]
    if role != "anonymous":
        client.force_login(users[role])
    response = getattr(client, method)(reverse(name, kwargs=_kwargs(kwargs, world)))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), response
    else:
        assert response.status_code == want


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_federation_staff_cannot_reach_another_federations_pages(client, users, world, name):
    method, kwargs = OTHER_FEDERATIONS[name]
    client.force_login(users["federation"])
    audited = AuditEntry.objects.count()
    response = getattr(client, method)(reverse(name.split("#")[0], kwargs=_kwargs(kwargs, world)))
    assert response.status_code == 404
    assert AuditEntry.objects.count() == audited


def _with_ids(data: dict) -> dict:
    """Fill the {dt}, {pb}, {dt01} placeholders of WRITES with the world's ids."""
    ids = {
        "dt": Organisation.objects.get(code="DT").pk,
        "pb": Organisation.objects.get(code="PB").pk,
        "dt01": GrassrootsUnion.objects.get(code="DT01").pk,
    }
    return {key.format(**ids): value.format(**ids) for key, value in data.items()}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_leadership_can_change_nothing(client, users, world, name):
    kwargs, data = WRITES[name]
    data = _with_ids(data)
    client.force_login(users["leader"])
    audited = AuditEntry.objects.count()
    response = client.post(reverse(name, kwargs=_kwargs(kwargs, world)), data)
    assert response.status_code == 403
    assert AuditEntry.objects.count() == audited


# Rows of these are born from services (the workflow, affiliations, the audit trail): no add form.
ADD_CLOSED = {"members.monthlyreturn", "members.affiliation", "members.auditentry"}
# django-axes keeps its login attempts itself: they are read and deleted, never added. [helper: security]
ADD_CLOSED |= {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}  # [helper: security]


def _admin_urls():
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info)), OK
        yield reverse("admin:{}_{}_add".format(*info)), FORBIDDEN if model._meta.label_lower in ADD_CLOSED else OK


@pytest.mark.parametrize("role", ["anonymous", "no_role", "federation", "leader", "provincial"])
def test_only_administrators_reach_the_admin(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    for url in [reverse("admin:index"), *(url for url, _status in _admin_urls())]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url


def test_administrators_can_open_every_admin_list_and_add_form(client, users, federation):
    client.force_login(users["superuser"])
    assert client.get(reverse("admin:index")).status_code == 200
    for url, status in _admin_urls():
        assert client.get(url).status_code == status, url


WORKFLOW_STEPS = {"members:return_approve", "members:return_send_back", "members:return_unlock"}


@pytest.mark.parametrize("name", sorted(set(WRITES) - WORKFLOW_STEPS))
def test_the_posts_leadership_is_refused_do_change_things_for_provincial_staff(client, users, world, name):
    """The counterpart of the test above, so that it cannot pass on data nobody would accept.
    (Approve, send back and unlock need a submitted or approved month first: test_grid and
    test_workflow cover them.)"""
    kwargs, data = WRITES[name]
    data = _with_ids(data)
    client.force_login(users["provincial"])
    audited = AuditEntry.objects.count()
    client.post(reverse(name, kwargs=_kwargs(kwargs, world)), data)
    assert AuditEntry.objects.count() > audited


# ---------------------------------------------------------------------------------------------
# Every URL with every role, by GET and by POST (MATRIX gives one method per URL; these try the
# other one too), and what nobody may do whatever the method. [helper: security]

# Answered to anonymous visitors: the login page itself, signing out (which only sends there),
# the language switch (a cookie, no data) and the load balancer's health check (no data).
OPEN_TO_ANONYMOUS = {"login", "logout", "set_language", "health"}  # [helper: security]
# URL arguments that name a federation's object. A URL with one must have OTHER_FEDERATIONS
# lines, unless the object is the province's own (quotas of a programme, a year's rubric).
FEDERATION_OBJECT_ARGS = {"code", "pk", "cdcs"}  # [helper: security]
PROVINCE_WIDE = {"targets:quotas": "a programme's quotas: the province's, read by everyone with a role"}
DATA_APPS = {"members", "targets", "organising", "ratings", "training", "reports"}  # [helper: security]
REFUSED_OR_SHOWN = {200, 302, 400, 403, 404, 405}  # never a 500 [helper: security]


def _rows():
    """Every row of the portal's own tables, to tell that nothing at all was written. [helper: security]"""
    from django.apps import apps

    models = (model for model in apps.get_models() if model._meta.app_label in DATA_APPS)
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models}


def _both_methods():
    for name in sorted(MATRIX):
        for method in ("get", "post"):
            yield name, method


def _request(client, name, method, world, data=None):
    kwargs = _kwargs(MATRIX[name][2], world)
    return getattr(client, method)(reverse(name, kwargs=kwargs), data or {})


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(client, world):
    before, audited, wrong = _rows(), AuditEntry.objects.count(), []
    for name, method in _both_methods():
        response = _request(client, name, method, world)
        to_login = response.status_code == 302 and response.url.startswith(reverse("login"))
        if not (to_login or response.status_code in (401, 405) or name in OPEN_TO_ANONYMOUS):
            wrong.append((name, method, response.status_code))
    assert wrong == []
    assert AuditEntry.objects.count() == audited and _rows() == before


@pytest.mark.parametrize("role", ["no_role", "federation", "leader", "provincial", "superuser"])
def test_the_method_matrix_does_not_list_is_refused_or_harmless(client, users, world, role, settings):
    """POST to a page, GET to an action: refused (403/404/405), sent elsewhere (302), or shown
    with its errors (200/400), never a 500. Users without a role never get a page (200)."""
    answers = []
    for name in sorted(MATRIX):
        method = "post" if MATRIX[name][0] == "get" else "get"
        client.force_login(users[role])
        answers.append((name, _request(client, name, method, world).status_code))
    assert [answer for answer in answers if answer[1] not in REFUSED_OR_SHOWN] == []
    if role == "no_role":
        assert [name for name, status in answers if status == 200] == []


def test_leadership_posts_to_every_url_write_nothing(client, users, world):
    """Leadership reads: a POST anywhere, with data that would be accepted from staff where there
    is such data, leaves every table as it was and the audit trail untouched."""
    before, audited = _rows(), AuditEntry.objects.count()
    for name in sorted(MATRIX):
        client.force_login(users["leader"])  # the logout URL signs out: sign in again each time
        data = _with_ids(WRITES[name][1]) if name in WRITES else {}
        response = _request(client, name, "post", world, data)
        assert response.status_code in REFUSED_OR_SHOWN, name
        assert AuditEntry.objects.count() == audited, name
    assert _rows() == before


def _converters(patterns, namespace="", converters=None):
    for pattern in patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from _converters(pattern.url_patterns, inner, found)
        elif pattern.name:
            yield namespace + pattern.name, set(found)


def test_every_url_of_a_federations_object_is_tried_on_another_federation():
    tried = {name.split("#")[0] for name in OTHER_FEDERATIONS}
    untried = [
        name for name, args in _converters(get_resolver().url_patterns)
        if args & FEDERATION_OBJECT_ARGS and name not in tried and name not in PROVINCE_WIDE
    ]  # fmt: skip
    assert untried == [], "add OTHER_FEDERATIONS lines (or, for the province's own objects, PROVINCE_WIDE)"


def test_another_federations_objects_are_not_found_by_either_method(client, users, world):
    """OTHER_FEDERATIONS with the method it does not list: 404, or 405 where the URL takes only
    the other method; nothing read, nothing written."""
    listed = {(name.split("#")[0], method, str(kwargs)) for name, (method, kwargs) in OTHER_FEDERATIONS.items()}
    before, answers = _rows(), []
    client.force_login(users["federation"])
    for name, (method, kwargs) in sorted(OTHER_FEDERATIONS.items()):
        other = "post" if method == "get" else "get"
        if (name.split("#")[0], other, str(kwargs)) in listed:
            continue
        response = getattr(client, other)(reverse(name.split("#")[0], kwargs=_kwargs(kwargs, world)))
        answers.append((name, other, response.status_code))
    assert [answer for answer in answers if answer[2] not in (404, 405)] == []
    assert _rows() == before


GUESSED = {"pk": 987_654, "code": "ZZ99", "cdcs": "ZZ99"}  # nobody's [helper: security]


def test_guessed_ids_are_not_found(client, users, world):
    """A record number or code nobody has: 404 for provincial staff (who may see every
    federation's), by GET and POST; never a 500 or someone else's record."""
    guessable = sorted(
        (name, args & set(GUESSED)) for name, args in _converters(get_resolver().url_patterns) if args & set(GUESSED)
    )
    answers = []
    client.force_login(users["provincial"])
    for name, args in guessable:
        kwargs = {**_kwargs(MATRIX[name][2], world), **{arg: GUESSED[arg] for arg in args}}
        for method in ("get", "post"):
            answers.append((name, method, getattr(client, method)(reverse(name, kwargs=kwargs)).status_code))
    assert len(guessable) > 40
    assert [answer for answer in answers if answer[2] not in (404, 405)] == []


def test_posts_without_the_csrf_token_are_refused(users, world):
    """Every write of WRITES, by provincial staff who may make it, but without the form's token:
    403 and nothing written."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["provincial"])
    before, audited, answers = _rows(), AuditEntry.objects.count(), []
    for name, (kwargs, data) in sorted(WRITES.items()):
        response = client.post(reverse(name, kwargs=_kwargs(kwargs, world)), _with_ids(data))
        answers.append((name, response.status_code))
    assert [answer for answer in answers if answer[1] != 403] == []
    assert AuditEntry.objects.count() == audited and _rows() == before


# ---------------------------------------------------------------------------------------------
# A CĐCS that moved: MV01 was founded under DT and is PB's from 01/2021. DT keeps reading its
# history (access.cdcs_visible_to), but every write that names a CĐCS, by code or by id, asks
# which federation it is under now (access.cdcs_now_under) or in the month the write is about:
# DT's posts below change nothing, the same posts by PB's staff are made. [helper: integrity]

MOVED_MONTH = Month(2021, 3)
ADMIT = {"mode": "new", "full_name": "Lê Văn Cường", "joined_on": "2021-03-08"}
COURSE = {"starts_on": "2021-03-10", "topic": "Nghiệp vụ công đoàn", "officers": "30", "attendance-TOTAL_FORMS": "1",
          "attendance-INITIAL_FORMS": "0", "attendance-0-cdcs": "{mv01}", "attendance-0-officers": "5"}  # fmt: skip


def _moved(side):
    """Per write: (URL arguments, data) as posted by staff of `side` (DT: the CĐCS's federation before
    the move; PB: now). Placeholders: {mv01} its id, {version} the federation's March version."""
    return {
        "members:cdcs_dissolve": ({"code": "MV01"}, {"on": "2021-03-20", "reason": "Phá sản"}),
        "members:cdcs_merge": ({"code": "MV01"}, {"into": f"{side}01", "on": "2021-03-20"}),
        "members:cdcs_merge#into": ({"code": f"{side}01"}, {"into": "MV01", "on": "2021-03-20"}),
        "members:person_new": ({}, {"cdcs": "MV01", **ADMIT}),
        "members:member_list_confirm": (
            {"code": "MV01", "pk": lambda world: world["moved"]["member_list"].pk}, {}
        ),
        "members:grid": ({"code": side, "month": "2021-03"}, {
            "version": "{version}", "r{mv01}-admitted": "5",
            **({"r{pb02}-members_start": "0"} if side == "PB" else {})}),  # PB02's first month needs its stock
        "members:upload_confirm": ({"code": side, "pk": lambda world: world["moved"]["uploads"][side].pk}, {}),
        "organising:enterprise_link": (
            {"pk": lambda world: world["register_enterprises"][side].pk}, {"link-cdcs": "MV01"}
        ),
        "organising:list_confirm": ({"pk": lambda world: world["moved"]["enterprise_lists"][side].pk}, {}),
        "ratings:grid": ({"year": 2021, "code": side}, {f"s-{{mv01}}-{code}": "5" for code in RATING_CODES}),
        "ratings:upload_confirm": (
            {"year": 2021, "code": side, "pk": lambda world: world["moved"]["rating_uploads"][side].pk}, {}
        ),
        "training:course_new": ({}, {"organiser": side, **COURSE}),
        "training:course_edit": ({"pk": lambda world: world["courses"][side].pk}, COURSE),
    }  # fmt: skip


# Writes that name a CĐCS without needing it under the writer's federation, and why.
MOVED_ANY_FEDERATION = {
    "members:person_transfer": "a member may be transferred to any CĐCS of the province, which then accepts",
    "members:cdcs_move": "provincial staff only: no federation's staff move a CĐCS",
    "ratings:review": "a year's result is reviewed by the federation that rated it, even after a move",
    "ratings:review_reopen": "the same: the result stays the rating federation's",
}
UPLOAD_TABLES = {"members.Upload", "members.MemberListUpload", "organising.EnterpriseListUpload",
                 "ratings.RatingUpload"}  # fmt: skip


@pytest.fixture
def moved_world(world, other_federation):
    """MV01 under DT from 2015, under PB from 01/2021, with February's figures reported by PB; and,
    for each side, an upload of March naming MV01, an enterprise list linking it and a
    self-assessment sheet rating it, and a member list for it."""
    from members.member_list_import import list_preview as member_list_preview
    from members.member_lists import MemberList
    from members.models import MemberListUpload, Sector
    from members.services import cdcs_found, cdcs_move, figures_record
    from organising.imports import EnterpriseList, list_preview
    from organising.models import EnterpriseListUpload
    from ratings.imports import ScoreSheet
    from ratings.models import RatingUpload, Rubric

    dt = Organisation.objects.get(code="DT")
    mv01 = cdcs_found(code="MV01", name="CĐCS Công ty Vận tải", employer="Công ty Vận tải", sector=Sector.PRIVATE,
                      workers=50, founded_on=date(2015, 1, 1), federation=dt, user=None)  # fmt: skip
    cdcs_move(cdcs=mv01, federation=other_federation, from_month=Month(2021, 1), user=None)
    figures_record(cdcs=mv01, month=Month(2021, 2), members_start=20, user=None)
    moved = {"uploads": {}, "enterprise_lists": {}, "rating_uploads": {}}
    for org in Organisation.objects.filter(code__in=["DT", "PB"]):
        moved["uploads"][org.code] = _upload(org, code="MV01")
        row = {"row": 4, "tax_code": "", "name": "", "address": "", "federation": "", "sector": "", "workers": None,
               "cdcs": "MV01"}  # fmt: skip
        row["tax_code"] = world["register_enterprises"][org.code].tax_code
        read = EnterpriseList(rows=[row])
        moved["enterprise_lists"][org.code] = EnterpriseListUpload.objects.create(
            federation=org, file_name="doanh-nghiep.xlsx", size=2, sha256="0" * 64, outcome="preview",
            parsed={**read.as_json(), "plan": list_preview(read, user=None).plan},
        )  # fmt: skip
        sheet = ScoreSheet(org.code, "2021", {code: code for code in RATING_CODES},
                           [{"row": 6, "code": "MV01", "scores": dict.fromkeys(RATING_CODES, 5)}])  # fmt: skip
        moved["rating_uploads"][org.code] = RatingUpload.objects.create(
            rubric=Rubric.objects.get(year=2021), federation=org, file_name="tu-cham.xlsx", size=2,
            outcome="preview", parsed=sheet.as_json(),
        )  # fmt: skip
    members = MemberList(cdcs_code="MV01", month="2021-03", rows=[{"row": 7, "full_name": "Lê Văn Dũng",
                                                                   "joined_on": "2021-03-10"}])  # fmt: skip
    plan = member_list_preview(members, cdcs=mv01, month=MOVED_MONTH, user=None).plan
    moved["member_list"] = MemberListUpload.objects.create(
        cdcs=mv01, month=MOVED_MONTH.first_day, file_name="danh-sach.xlsx", size=2, sha256="0" * 64,
        outcome="preview", parsed={**members.as_json(), "plan": plan},
    )  # fmt: skip
    return {**world, "moved": moved}


def _moved_data(data: dict, side: str) -> dict:
    from members.models import MonthlyReturn

    ids = {
        "mv01": GrassrootsUnion.objects.get(code="MV01").pk,
        "pb02": GrassrootsUnion.objects.get(code="PB02").pk,
        "version": MonthlyReturn.objects.get(federation__code=side, month=MOVED_MONTH.first_day).version,
    }
    return {key.format(**ids): value.format(**ids) for key, value in data.items()}


def _data_rows():
    return {label: rows for label, rows in _rows().items() if label not in UPLOAD_TABLES}


def test_every_write_that_names_a_cdcs_is_tried_on_a_moved_one(world):
    """A write of WRITES whose URL or data names a CĐCS has a moved-CĐCS line here, or a reason not to."""
    codes = set(GrassrootsUnion.objects.values_list("code", flat=True))
    naming = {
        name for name, (kwargs, data) in WRITES.items()
        if "{dt01}" in str(data) or codes & {str(value) for value in [*kwargs.values(), *data.values()]}
    }  # fmt: skip
    assert naming - {name.split("#")[0] for name in _moved("DT")} - set(MOVED_ANY_FEDERATION) == set()


@pytest.mark.parametrize("name", sorted(_moved("DT")))
def test_the_federation_a_cdcs_moved_away_from_cannot_write_to_it(client, moved_world, federation_user, name):
    kwargs, data = _moved("DT")[name]
    client.force_login(federation_user)
    before, audited = _data_rows(), AuditEntry.objects.count()
    response = client.post(reverse(name.split("#")[0], kwargs=_kwargs(kwargs, moved_world)), _moved_data(data, "DT"))
    assert response.status_code in REFUSED_OR_SHOWN
    assert AuditEntry.objects.count() == audited
    assert _data_rows() == before


@pytest.mark.parametrize("name", sorted(_moved("PB")))
def test_the_federation_a_cdcs_moved_to_writes_to_it(client, moved_world, other_federation_user, name):
    """The counterpart of the test above, so that it cannot pass on data nobody would accept."""
    kwargs, data = _moved("PB")[name]
    client.force_login(other_federation_user)
    audited = AuditEntry.objects.count()
    response = client.post(reverse(name.split("#")[0], kwargs=_kwargs(kwargs, moved_world)), _moved_data(data, "PB"))
    assert response.status_code == 302
    assert AuditEntry.objects.count() > audited
