// dates.js -- dates as the county counts them (Asia/Shanghai), whatever the device's zone.
const ZONE = 'Asia/Shanghai';

// "YYYY-MM-DD" of `d` in the county.
export function countyDate(d = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

// "YYYY-MM-DD HH:mm" of an ISO time in the county, for timelines and deadlines.
export function countyTime(iso) {
  if (!iso) return '';
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
