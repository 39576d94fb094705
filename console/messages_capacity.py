"""The referral service's capacity (预约) and consultation (科对科) messages in Chinese (regex, template), as
console/messages_referral.py does for the referral workflow. Named groups `org`, `specialty` are turned into
Chinese names."""
from __future__ import annotations

from .labels import EXAM_TYPES

CAPACITY_MESSAGES: list[tuple[str, str]] = [
    # -- publishing capacity -----------------------------------------------------------------------------
    (r"^only county hospitals publish capacity", "只有县级医院可以发布号源"),
    (r"^only member units read capacity", "只有医共体成员单位可以查看号源"),
    (r"^nothing to publish", "没有要发布的号源"),
    (r"^the template gives no slot on any day of the range", "按周模板在所选日期范围内没有生成任何号源"),
    (r"^at most (?P<n>\d+) places in one slot", "每个时段最多 {n} 个号"),
    (r"^at most (?P<n>\d+) days at once", "一次最多查询 {n} 天"),
    (r"^beds are kept for the whole day", "预留床位按整天发布，不填时段"),
    (r"^\S+ slots need a start and an end time", "请填写时段的开始和结束时间"),
    (r"^a slot's start is before its end", "时段的开始时间须早于结束时间"),
    (r"^exam slots name their exam type", "检查号源须选择检查类型"),
    (r"^only exam slots have an exam type", "只有检查号源有检查类型"),
    (r"^(?P<d>\S+) is in the past", "{d} 已过去，不能发布或预约"),
    (r"^(?P<d>\S+) is beyond the (?P<n>\S+)-day publishing horizon", "{d} 超出可发布范围（{n} 天内）"),
    (r"^(?P<d>\S+) is outside the bookable days", "{d} 不在可预约的日期范围内"),
    (r"^\S+ \S+–\S+ is given twice", "同一时段填写了两次"),
    (r"^\S+: \S+–\S+ overlaps \S+–\S+", "同一天的时段不能重叠"),
    (r"^date_to is before date_from", "结束日期不能早于开始日期"),
    (r"^date_from is out of range", "开始日期超出范围"),
    (r"^no published slot matches", "没有符合条件的已发布号源"),
    (r"^fewer places than already booked", "号源数不能少于已预约数"),
    (r"^(?P<org>\S+) is not a county hospital of consortium", "{org}不是本医共体的县级医院"),
    # -- booking -----------------------------------------------------------------------------------------
    # an exam booked by day where no slot of its type is published (only an emergency is taken in without one)
    *[(rf"^(?P<org>\S+) publishes no {code} capacity",
       f"{{org}}没有发布{name}检查号源，须由开展该检查的科室先发布号源才能预约（急危重症除外）") for code, name in EXAM_TYPES.items()],
    (r"^(?P<org>\S+) publishes no \S+ capacity", "{org}没有发布这类号源"),
    (r"^no free \S+ place: .* is fully booked", "该日号源已约满"),
    (r"^slot \S+ \(.*\) is fully booked", "该时段号源已约满"),
    (r"^no slot \S+ at (?P<org>\S+)", "{org}没有这个号源"),
    (r"^slot \S+ is not a \S+ exam slot", "所选号源不是该检查类型的号源"),
    (r"^slot \S+ is not an outpatient or bed slot of (?P<specialty>\S+)", "所选号源不是{specialty}的门诊号或床位"),
    (r"^slot \S+ was on \S+, in the past", "所选号源日期已过"),
    (r"^exams are booked for accepted upward referrals", "只有已接收的上转单可以预约检查"),
    (r"^only the receiving hospital books and cancels exams", "只有接收医院可以预约或取消检查"),
    (r"^name the exam slot, or the day", "请选择检查号源，或填写日期以预约当天第一个空号"),
    (r"^only an exam is cancelled on its own", "只能单独取消检查；就诊号随转诊单一起释放"),
    (r"^the exam booking is already", "该检查预约已取消或已释放"),
    (r"^booking \S+ not found", "没有找到该预约"),
    # -- consultations (科对科) ------------------------------------------------------------------------------
    (r"^township centres and village clinics ask county departments for advice", "只有乡镇卫生院和村卫生室可以发起会诊咨询"),
    (r"^(?P<org>\S+) is not the unit's paired county hospital", "{org}不是本单位的对口县级医院，请填写向其咨询的理由"),
    (r"^the answer gives the specialist's advice", "请填写专科意见"),
    (r"^a remote consultation needs its time", "请填写远程会诊时间"),
    (r"^the remote consultation cannot be in the past", "远程会诊时间不能早于现在"),
    (r"^only a remote consultation has a time", "只有远程会诊需要填写时间"),
    (r"^cannot \w+ this consultation: it is \w+", "该会诊咨询的当前状态不允许此操作"),
    (r"^only the .+ may \w+ the consultation", "您所在单位不能对该会诊咨询执行此操作"),
    (r"^consultation \S+ not found", "没有找到该会诊咨询，或本单位无权查看"),
]
