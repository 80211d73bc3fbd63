#pragma once
// The window's state as JSON (the --state-json hook): what a user would read off the screen, for tests and
// outside checks that should not guess from pixels. Keys:
//   time          the current time (ISO 8601 UTC with milliseconds), null before one is shown
//   times_count   how many times the timeline holds: the observations of the anchor channel, the ones
//                 previous/next walk through (0 with nothing open)
//   view_mode     "map", "globe", "search", "alignment", "training", "translation", "flare", "lightcurve" or "regions"
//   window_size   [width, height] of the main window (docks with large minimum widths can make it wider than asked)
//   globe_hits    archive-search hits outlined on the globe's texture (those of the time shown; 0 without a globe)
//   globe_noaa_labels  NOAA region labels drawn on the globe's texture (View > NOAA active regions on; 0 without
//                 a globe)
//   globe_flare_events  flare events drawn on the globe's texture (View > Flare events on; 0 without a globe)
//   views         one object per grid cell, in grid order: channel, time, file, colormap, stretch,
//                 limits [lo, hi] (the limits the rendering on screen used; null before it is rendered), unit,
//                 shown (the cell is on screen and holds a map), title (the cell's label), size [w, h] (map
//                 pixels), file_size [w, h] (the file's own image, of which the map may be a reduced or
//                 resampled version; null for maps without a file), ctype [CTYPE1, CTYPE2] (the map's
//                 projection), note (the view's projection note, e.g. "Carrington CEA: limb and
//                 co-registration off"; "" for helioprojective maps)
//   selected_view the cell the Display dock and the exports act on (index into views; -1 only with no cells):
//                 the framed cell, the first one until the user clicks another; it moves to a cell still there
//                 when its cell goes away (a channel in focus), and is the globe channel's cell in the globe view
//   linked_groups lists of view indices whose pan and zoom move together: views whose maps share a frame
//                 (ViewLink), each view in one group (alone: a group of one); empty while linking is off
//   errors        "file: problem" lines for members that could not be loaded
//   heatmap       the similarity heatmaps (HeatmapController::state): enabled, model_hash, device, encoded (the set
//                 on screen is encoded), shown (the heatmaps of the query are drawn), layers_visible (false in the
//                 alignment view, which draws its own cell overlay there), error (why a query or set
//                 could not be answered), encode_ms (the last encode on the worker), apply_ms (the last click ->
//                 every layer updated), paint_ms (the slowest view's last heatmap paint), opacity, threshold; with a set encoded: grid, channels, note (partial disk,
//                 channels missing...), disk_coverage, set_time; with a query: channel, query_hpc [x, y],
//                 query_box [w, h] or null, query_cell [row, col] (row 0 = south), query_cells, and views (one
//                 per grid cell, grid order: channel, drawn, self, peak_cell [row, col], peak_value,
//                 query_value (the similarity at the query cell), top [[row, col]...])
//   search        archive search (SearchController::stateJson): state ("no-archive", "model", "no-store",
//                 "other-model", "embedding", "ready", "searching", "error"), message (what the panel says),
//                 model_hash (the current model's), store {dir, exists, count, model_hash, matches_model},
//                 index {kind ("flat" exact / "ivfpq" re-ranked; "" before a query), vectors, note (used as
//                 saved, extended or rebuilt, and why), method, prepared (one note per channel from building
//                 or loading the indexes when the store became ready)}, embedding {running, done, total}, filters {channel,
//                 from, to, exclude_days, on_disk_only, max_limb_distance, k}, query {time, channel, hpc [x, y],
//                 box, set_time, cell, grid} or null, hits [{time, time_ms, channel, cell, row, col, hpc [x, y],
//                 lonlat [lon, lat] (null off disk), score, file, thumbnail (drawn)}] best first,
//                 thumbnails_drawn, framed (the hit the maps frame, -1: none), seconds (the query's)
//   alignment     the cross-modal alignment view (AlignmentView::state): active, model_hash, measure ("cosine" or
//                 "rank": what the cells are coloured by), status (the dock's line about the set), note (the
//                 encoder's: partial disk, channels missing), set_time (the set aligned, null before), on_disk_known,
//                 views (one per grid cell showing an AIA channel the set was aligned for, grid order: view (index
//                 into views), channel, mean_cosine (mean same-place cosine with HMI over the on-disk cells),
//                 fraction_rank1 (fraction of those cells whose HMI cell at the same place is the nearest),
//                 mean_rank, on_disk_cells, overlay_shown), timeline_points, timeline ([[time_ms, mean_cosine,
//                 fraction_rank1]...] in time order; null above 5000 points), timeline_source ("store" or
//                 "browsing"), store (the embedding store read, or null), store_sets, timeline_seconds (reading
//                 the store and aligning its sets, off the UI thread), align_ms (the set on screen's alignment,
//                 off the UI thread), timeline_message,
//                 cursor_time (the timeline's current-time line)
//   training      the training panel (TrainingPanel::state): visible, database (the job table's file),
//                 database_error, jobs [{id, kind, state, run_dir, step (of the last event saved), message}] oldest
//                 first, running (jobs running now), selected (job id shown, -1 none), compared, curves (curves
//                 drawn), curve_points, check_ok and check (the last pre-launch check's verdict and text), command
//                 (the pretrain arguments the form makes), form {archive, channels, preset, batch, run_dir}, export
//                 (the last Slurm export's message), width (the panel's, px), content_min_width (what its form and
//                 job list need side by side), scrolls_sideways (any of it behind a horizontal scroll bar: the
//                 panel's or the form's)
//   translation   the HMI → AIA translation view (TranslationView::stateJson): active, state ("inactive", "no-time",
//                 "no-hmi", "loading" (the translator), "running", "done", "cancelled", "failed", "unavailable" (no
//                 translator)), message (the status line), run (the run folder; "" the shipped default), run_name,
//                 model_hash (the translator's weights), channel, channels (the run's), seed, samples, progress
//                 [done, total] (sampling steps), hmi_file, aia_file (the real map compared; "" none), real_present,
//                 real_note (why the real and difference panels are empty), cc (Pearson CC of translated vs real
//                 over cc_pixels on-disk pixels; null without a real map), seconds (the job on the worker), cached
//                 (answered from the cache), note (the translator's), views (the five panels in grid order: role
//                 "hmi"/"translated"/"real"/"difference"/"spread", shown, title, channel, colormap, size [w, h]),
//                 linked_groups (panels panned and zoomed together, as in the map grid)
//   flare         the flare forecast panel (FlareController::state): active, head_run (the run folder in use),
//                 head_setting (the saved flare/headRun), head_hash (SHA-256 of head.json, as flare-predict's),
//                 model_hash, head_problem (why no head is used: none, another encoder, unreadable), train_command,
//                 training; with a head: head_kind, target, window_hours, climatology (the head's training base
//                 rate of its event), threshold; for the set on screen: time (the set's), p_ge_c, p_ge_m (null when
//                 the head does not forecast it or no set is scored), error, status; attribution {method
//                 ("pool_weight" or "occlusion"), enabled, error, views_shown, top_cell {row, col, value, hpc_x,
//                 hpc_y (the cell centre in helioprojective arcsec)}}; timeline_points, timeline ([[time_ms,
//                 p_ge_c, p_ge_m]...], null entries where absent), timeline_source ("store" or "browsing"), store,
//                 timeline_seconds, timeline_message, flare_markers {C, M, X} (the list's flares drawn), flare_list,
//                 flare_range_ms [from, to) (label times marked: the archive's span and a window either side),
//                 cursor_time
//   wizard        the low-label wizard (LowLabelWizard::state), null when none is open: page (task, encoder,
//                 budgets, strategies, run), archive, target, model ("" = shipped), budgets, strategies, seeds,
//                 finetune_epochs, finetune_steps, heads, encoder_trainings, cost (the strategies page's note),
//                 command (the label-efficiency arguments Run would queue now), out_dir, flare_list_found, task_message, status, error, job {queued, running, ended, ok,
//                 arguments}, points [{strategy, budget, seed, skipped, reason, tss, tss_ci95, auc, bss, run}],
//                 installed_head
//   contours      View > HMI contours (ContourController::state)
//   noaa_regions  View > NOAA active regions (NoaaRegionController::state): enabled, drawn, scanning, folder, status,
//                 reports, first_valid_at, last_valid_at, failures, first_failure, flare_list, flare_list_error,
//                 flares, query (the last View > Query a NOAA region: number, channel, tx, ty, or error), table
//                 (the region table: visible, caption, rows [number]),
//                 views [{channel, time, report, valid_at, labels [{number, section, location, mag_type, lon, lat,
//                 tx, ty, x, y, flare {class, peak} | null}]}]
//   flare_events  View > Flare events (FlareEventController::state): enabled, drawn, loading, list, chosen (File >
//                 Open flare list… / --flare-list), list_error, flares, with_site, window_hours, status, table (the
//                 flare event table: visible, caption, rows [class]), views [{channel, time, markers [{class, peak,
//                 start, end, noaa, location, lon, lat, tx, ty, x, y, hours_from_peak, in_progress}]}]
//   header        File > FITS header (HeaderDialog::state), null when it is not open
//   lightcurve    the light curve of a region (LightCurveController::state): state ("no-region", "measuring",
//                 "done", "cancelled", "error"), message (the plot's line), status (counts, notes, first failure),
//                 region {tx, ty, width, height (arcsec), reference (ISO), follow_rotation, noaa (the NOAA region
//                 followed by the reports, or null)} or null, span_days (0: the whole archive), channel (shown;
//                 "aia-normalised": every AIA channel divided by its median),
//                 statistic ("auto", "mean", "mean_abs", "max", "min", "sum"), value_label, curves {channel: {unit,
//                 measured, failed, first_error}}, series [{name, points, min, max}] as plotted, flare_markers [C, M, X]
//                 (the archive's list's flares drawn), dock_in_front

#include <QJsonObject>
#include <QString>

namespace solarchip {

class MainWindow;

QJsonObject windowState(const MainWindow *window);
/// Writes windowState() to `path` (atomically); an error names the file.
QString writeWindowState(const MainWindow *window, const QString &path);

}  // namespace solarchip
