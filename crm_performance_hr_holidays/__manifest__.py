{
    "name": "CRM Performance Appraisals - Time Off",
    "summary": "The attendance deduction fed by approved leave of the leave types a plan line names",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_performance contributors",
    "website": "https://github.com/crm-performance/crm_performance",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["crm-performance"],
    "depends": ["crm_performance", "hr_holidays"],
    "data": [
        "views/crm_appraisal_plan_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
