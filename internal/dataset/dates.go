package dataset

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// The zone database is embedded so that instants turn into the right calendar dates on a
	// machine without /usr/share/zoneinfo (a scratch container); the system copy still wins
	// when there is one.
	_ "time/tzdata"
)

// PartialDate checks a partial date and returns it in canonical form: "1995", "1995-12" or
// "1995-12-23". It accepts "-", "/" or "." between the parts (one kind per date) and one- or
// two-digit months and days, and trims surrounding spaces. It refuses dates that are not on
// the calendar (2024-02-30, month 13, year 0000), and then returns "", false.
func PartialDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 4 {
		return "", false
	}
	sep := ""
	if len(s) > 4 {
		sep = s[4:5]
		if sep != "-" && sep != "/" && sep != "." {
			return "", false
		}
	}
	parts := []string{s}
	if sep != "" {
		parts = strings.Split(s, sep)
	}
	if len(parts) > 3 || len(parts[0]) != 4 {
		return "", false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if i > 0 && (len(p) < 1 || len(p) > 2) {
			return "", false
		}
		n, ok := dateDigits(p)
		if !ok {
			return "", false
		}
		nums[i] = n
	}
	year := nums[0]
	if year < 1 {
		return "", false
	}
	switch len(nums) {
	case 1:
		return fmt.Sprintf("%04d", year), true
	case 2:
		if nums[1] < 1 || nums[1] > 12 {
			return "", false
		}
		return fmt.Sprintf("%04d-%02d", year, nums[1]), true
	}
	month, day := nums[1], nums[2]
	if month < 1 || month > 12 || day < 1 || day > monthDays(year, time.Month(month)) {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day), true
}

// dateDigits parses a string of ASCII digits only; strconv.Atoi alone would take "+1" and "-1".
func dateDigits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// monthDays is the number of days in a month of the proleptic Gregorian calendar.
func monthDays(year int, m time.Month) int {
	// Day 0 of the next month normalises to the last day of this one.
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// LocalDate turns an ISO 8601 instant ("2006-04-06T17:40:00.000Z", "2006-04-07T02:40+09:00")
// into the calendar date ("2006-04-07") it fell on in a region. The region is an ISO 3166
// country code ("JP", "CN", "TW", "HK", "KR", "US"), the language tag of a work's original
// language as bangumi-data writes it ("ja", "zh-Hans", "zh-Hant", "ko", "en"), or an IANA
// zone name ("Asia/Tokyo"). The zone's history is honoured: a date in Japan's daylight
// saving years (1948 to 1951) is taken at UTC+10 in summer.
func LocalDate(instant, region string) (string, error) {
	return zoneCache{}.localDate(instant, region)
}

// zoneName names the time zone of a region a data set gives releases in, "" when unknown.
// English-language works have no single region. UTC is used for them: bangumi-data writes
// their releases as midnight UTC or a US morning, which UTC puts on the release date and a US
// zone would put on the day before.
func zoneName(region string) string {
	switch region {
	case "JP", "ja":
		return "Asia/Tokyo"
	case "CN", "zh-Hans", "zh":
		return "Asia/Shanghai"
	case "TW", "zh-Hant":
		return "Asia/Taipei"
	case "HK":
		return "Asia/Hong_Kong"
	case "MO":
		return "Asia/Macau"
	case "KR", "ko":
		return "Asia/Seoul"
	case "en", "US", "UTC":
		return "UTC"
	}
	if strings.Contains(region, "/") {
		return region // an IANA zone name already
	}
	return ""
}

// zoneCache caches loaded time zones for the length of one read: time.LoadLocation reads and
// parses the zone file on every call, which costs about as much as reading a whole item.
type zoneCache map[string]*time.Location

// location returns the time zone of a region, loading it once.
func (z zoneCache) location(region string) (*time.Location, error) {
	if loc, ok := z[region]; ok {
		return loc, nil
	}
	name := zoneName(region)
	if name == "" {
		return nil, fmt.Errorf("unknown region %q", region)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone of region %q: %w", region, err)
	}
	if z != nil {
		z[region] = loc
	}
	return loc, nil
}

// parseInstant reads an ISO 8601 instant with a time zone designator, in the forms met in the
// data sets ("2006-04-06T17:40:00.000Z", "2006-04-06T17:40Z", "2006-04-07T02:40:00+09:00").
func parseInstant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		// time.RFC3339 also reads fractional seconds.
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an ISO 8601 instant: %q", s)
}

// localDate is LocalDate with the time zones cached in z.
func (z zoneCache) localDate(instant, region string) (string, error) {
	t, err := parseInstant(instant)
	if err != nil {
		return "", err
	}
	return z.date(t, region)
}

// date is the calendar date of t in a region.
func (z zoneCache) date(t time.Time, region string) (string, error) {
	loc, err := z.location(region)
	if err != nil {
		return "", err
	}
	t = t.In(loc)
	if t.Year() < 1 || t.Year() > 9999 {
		return "", fmt.Errorf("date out of range: %s", t.Format(time.RFC3339))
	}
	return t.Format(time.DateOnly), nil
}
