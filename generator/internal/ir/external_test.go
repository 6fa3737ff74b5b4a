package ir

import "testing"

func TestUnexportedName(t *testing.T) {
	for in, want := range map[string]string{
		"tickets.get-museum-tickets": "ticketsGetMuseumTickets",
		"tickets.pricing.quote":      "ticketsPricingQuote",
		"API-v2.list_items":          "apiV2ListItems",
		"3d.print":                   "x3dPrint",
		"_.func":                     "funcWorkflow",
		"_.-":                        "x",
	} {
		if got := unexportedName(in); got != want {
			t.Errorf("unexportedName(%q) = %q, want %q", in, got, want)
		}
	}
}
