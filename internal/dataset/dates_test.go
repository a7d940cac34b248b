package dataset

import (
	"strings"
	"testing"
)

func TestPartialDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when the date must be refused
	}{
		{"1995", "1995"},
		{"1995-12", "1995-12"},
		{"1995-12-23", "1995-12-23"},
		{"1995/12/23", "1995-12-23"},
		{"1995.12", "1995-12"},
		{"1995.12.23", "1995-12-23"},
		{"1995/1/5", "1995-01-05"},
		{" 1995-12-23 ", "1995-12-23"},
		{"2024-02-29", "2024-02-29"}, // leap year
		{"2000-02-29", "2000-02-29"}, // divisible by 400
		{"0001-01-01", "0001-01-01"},
		{"9999-12-31", "9999-12-31"},

		{"", ""},
		{"95", ""},
		{"19950", ""},
		{"0000", ""},
		{"0000-01-01", ""},
		{"2024-02-30", ""},
		{"2023-02-29", ""}, // not a leap year
		{"1900-02-29", ""}, // divisible by 100, not by 400
		{"2024-04-31", ""},
		{"2024-13", ""},
		{"2024-00", ""},
		{"2024-01-00", ""},
		{"2024-01-32", ""},
		{"2024-1-", ""},
		{"2024-", ""},
		{"2024/01-05", ""}, // mixed separators
		{"2024-01-05-06", ""},
		{"2024-001-05", ""},
		{"2024_01_05", ""},
		{"2024-+1-05", ""},
		{"２０２４", ""}, // full-width digits are not ASCII digits
		{"1995-12-23T00:00:00Z", ""},
		{"abcd", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := PartialDate(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("PartialDate(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.want != "")
			}
		})
	}
}

func TestLocalDate(t *testing.T) {
	tests := []struct {
		name, instant, region, want string
	}{
		// The case from the issue: a late-night Japanese broadcast is on the next day in Japan.
		{"late night in Japan", "2006-04-06T17:40:00.000Z", "ja", "2006-04-07"},
		{"just before midnight JST", "2006-04-06T14:59:59Z", "ja", "2006-04-06"},
		{"midnight JST", "2006-04-06T15:00:00Z", "ja", "2006-04-07"},
		{"new year in Japan", "2023-12-31T15:00:00.000Z", "JP", "2024-01-01"},
		{"zone name", "2023-12-31T15:00:00Z", "Asia/Tokyo", "2024-01-01"},
		{"no seconds", "2006-04-06T17:40Z", "ja", "2006-04-07"},
		{"offset given", "2006-04-07T02:40:00+09:00", "en", "2006-04-06"},
		{"English is UTC", "1985-03-04T00:00:00.000Z", "en", "1985-03-04"},
		{"China", "2016-07-02T16:00:00.000Z", "zh-Hans", "2016-07-03"},
		{"Taiwan", "2016-07-02T15:59:00.000Z", "zh-Hant", "2016-07-02"},
		{"Korea", "2016-07-02T15:00:00.000Z", "ko", "2016-07-03"},
		// Japan kept daylight saving time from 1948 to 1951: 14:30 UTC is 00:30 the next day
		// in summer, 23:30 the same day in winter and in later summers.
		{"JDT 1948", "1948-06-01T14:30:00Z", "ja", "1948-06-02"},
		{"JDT 1950", "1950-07-01T14:30:00Z", "ja", "1950-07-02"},
		{"JDT 1951", "1951-08-01T14:30:00Z", "ja", "1951-08-02"},
		{"JST winter 1950", "1950-01-15T14:30:00Z", "ja", "1950-01-15"},
		{"JST summer 1952", "1952-07-01T14:30:00Z", "ja", "1952-07-01"},
		{"JST 1943", "1943-04-14T15:00:00.000Z", "ja", "1943-04-15"},
		// China (1986-1991) and Taiwan (1979) also had summer time.
		{"China DST 1988", "1988-07-01T15:30:00Z", "zh-Hans", "1988-07-02"},
		{"Taiwan DST 1979", "1979-08-01T15:30:00Z", "TW", "1979-08-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LocalDate(tt.instant, tt.region)
			if err != nil || got != tt.want {
				t.Errorf("LocalDate(%q, %q) = %q, %v; want %q", tt.instant, tt.region, got, err, tt.want)
			}
		})
	}
}

func TestLocalDateErrors(t *testing.T) {
	tests := []struct {
		name, instant, region, wantErr string
	}{
		{"empty", "", "ja", "not an ISO 8601 instant"},
		{"date only", "2006-04-06", "ja", "not an ISO 8601 instant"},
		{"no zone", "2006-04-06T17:40:00", "ja", "not an ISO 8601 instant"},
		{"words", "yesterday", "ja", "not an ISO 8601 instant"},
		{"impossible date", "2006-02-30T17:40:00Z", "ja", "not an ISO 8601 instant"},
		{"unknown region", "2006-04-06T17:40:00Z", "xx", `unknown region "xx"`},
		{"unknown zone", "2006-04-06T17:40:00Z", "Mars/Olympus", "time zone"},
		{"year 0", "0000-01-01T00:00:00Z", "UTC", "out of range"},
		{"past year 9999", "9999-12-31T23:00:00Z", "ja", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LocalDate(tt.instant, tt.region)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LocalDate(%q, %q) = %q, %v; want error containing %q", tt.instant, tt.region, got, err, tt.wantErr)
			}
		})
	}
}
