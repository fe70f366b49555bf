/** The operator page's words, Vietnamese first (the duty officers' language), English on `?lang=en`. */

export type Lang = 'vi' | 'en';

export const TEXT = {
  vi: {
    title: 'Trung tâm giám sát Huế — Cảnh báo',
    active: 'Cảnh báo đang hoạt động',
    none: 'Không có cảnh báo nào.',
    noMutes: 'Không có lịch tạm tắt thông báo nào.',
    department: 'Đơn vị',
    severity: 'Mức độ',
    rule: 'Quy tắc',
    entity: 'Đối tượng',
    state: 'Trạng thái',
    since: 'Từ lúc',
    message: 'Nội dung',
    ack: 'Xác nhận',
    acked: 'Đã xác nhận',
    by: 'Người trực',
    history: 'Lịch sử 24 giờ qua',
    time: 'Thời gian',
    mutes: 'Tạm tắt thông báo',
    until: 'Đến',
    reason: 'Lý do',
    status: 'Tình trạng hệ thống',
    ready: 'Sẵn sàng',
    degraded: 'Suy giảm',
    unready: 'Chưa sẵn sàng',
    ok: 'Bình thường',
    other: 'English',
    muted: 'đã tạm tắt',
    states: { pending: 'chờ', firing: 'đang báo', resolved: 'đã hết' } as Record<string, string>,
    severities: { info: 'thông tin', warning: 'cảnh báo', critical: 'nghiêm trọng' } as Record<
      string,
      string
    >,
    departments: { fisheries: 'Chi cục Thủy sản', environment: 'Sở Tài nguyên và Môi trường' } as Record<
      string,
      string
    >,
  },
  en: {
    title: 'Hue monitoring center — Alerts',
    active: 'Active alerts',
    none: 'No alerts.',
    noMutes: 'No mutes.',
    department: 'Department',
    severity: 'Severity',
    rule: 'Rule',
    entity: 'Entity',
    state: 'State',
    since: 'Since',
    message: 'Message',
    ack: 'Acknowledge',
    acked: 'Acknowledged',
    by: 'Duty officer',
    history: 'Last 24 hours',
    time: 'Time',
    mutes: 'Mutes',
    until: 'Until',
    reason: 'Reason',
    status: 'Hub status',
    ready: 'Ready',
    degraded: 'Degraded',
    unready: 'Not ready',
    ok: 'OK',
    other: 'Tiếng Việt',
    muted: 'muted',
    states: { pending: 'pending', firing: 'firing', resolved: 'resolved' } as Record<string, string>,
    severities: { info: 'info', warning: 'warning', critical: 'critical' } as Record<string, string>,
    departments: { fisheries: 'Fisheries department', environment: 'Environment department' } as Record<
      string,
      string
    >,
  },
} as const;

const FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'medium',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'medium',
  }),
};

/** Times on the page are Hue's local time (Asia/Ho_Chi_Minh, UTC+7), whatever the server's zone. */
export function formatTime(ms: number, lang: Lang): string {
  return `${FORMATS[lang].format(new Date(ms))} (GMT+7)`;
}
