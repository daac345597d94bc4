"""Demo accounts and data for development (``seed_demo``). Everything here is invented."""

DEMO_PASSWORD = "demo-sammachip-2567"

DEMO_USERS = [
    {
        "username": "officer_phon",
        "role": "district",
        "districts": ["4012"],
        "first_name": "สมใจ",
        "last_name": "ทดลองระบบ",
        "position": "นักวิชาการพัฒนาชุมชน อำเภอพล",
    },
    {
        "username": "officer_muang",
        "role": "district",
        "districts": ["4001"],
        "first_name": "มานะ",
        "last_name": "ตัวอย่างดี",
        "position": "นักวิชาการพัฒนาชุมชน อำเภอเมืองขอนแก่น",
    },
    {
        "username": "province_staff",
        "role": "province",
        "districts": [],
        "first_name": "ปรีดา",
        "last_name": "สาธิตงาน",
        "position": "นักวิชาการพัฒนาชุมชน สำนักงานพัฒนาชุมชนจังหวัด",
    },
]

# (subdistrict code, หมู่ที่, invented village name)
DEMO_VILLAGES = [
    ("401207", 11, "บ้านเพ็กใหญ่สาธิต"),
    ("401207", 3, "บ้านหนองทดลอง"),
    ("401201", 5, "บ้านโนนตัวอย่าง"),
    ("400101", 2, "บ้านในเมืองสาธิต"),
    ("400102", 7, "บ้านสำราญทดลอง"),
]
