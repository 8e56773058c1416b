// Package widget is the kit every screen draws with: the one dialog box
// (a yes/no Confirm, or the router's MFA prompt), the one Overlay that puts
// a box over a screen, the Spinner that stands for background work, and the
// failure table (one wording of a failed object, wherever it is listed).
package widget
