#pragma once
// Several maps side by side (a co-temporal AIA + HMI set, or a map and its difference image), each in a
// MapView with a caption, linked through one ViewLink (pan/zoom/cursor in world coordinates; pan and zoom
// only among views sharing a frame). The grid
// owns its views; embed it where one MapView would go. HMI is expected already resampled into the AIA
// frame by core's prep (co-registration); other maps still line up through their WCS.

#include "core/map/DisplayLimits.h"
#include "core/map/SdoMap.h"
#include "widgets/MapReadout.h"

#include <QWidget>

#include <memory>
#include <vector>

class QGridLayout;

namespace solarchip {

class MapView;
class ViewLink;

class MapGrid : public QWidget {
    Q_OBJECT
public:
    explicit MapGrid(QWidget *parent = nullptr);
    ~MapGrid() override;

    /// Replaces the views: one per map (default display settings per channel). Existing views are
    /// reused in order (so stepping in time keeps zoom and overlays); extra views are removed.
    void setMaps(const std::vector<std::shared_ptr<const SdoMap>> &maps);
    /// Appends one view and returns it (owned by the grid).
    MapView *addMap(std::shared_ptr<const SdoMap> map);
    MapView *addMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings);
    void removeView(int index);
    void clear();

    int count() const { return static_cast<int>(m_views.size()); }
    MapView *view(int index) const;
    /// The view showing a channel key ("171", "hmi"), or null.
    MapView *viewForChannel(const QString &channel) const;
    ViewLink *link() const { return m_link; }
    /// The view the user last clicked or focused (-1: none yet, or it was removed).
    int currentIndex() const { return m_current; }

    /// Columns of the grid; 0 = automatic (about square).
    void setColumns(int columns);
    int columns() const { return m_columns; }

    /// Applies an overlay toggle to every view.
    void setOverlayVisible(const QString &id, bool visible);
    /// Fits the first view of each link group to its own data; the link aligns the rest of the group.
    void fitAll();
    /// The views panned and zoomed together (ViewLink: those sharing a frame), as lists of view indices.
    QVector<QVector<int>> linkedGroups() const;
    /// Waits until every view shows its rendering (tests, screenshots).
    bool waitForRender(int timeoutMs = 10000);

Q_SIGNALS:
    /// The cursor readout from the view under the mouse.
    void readoutChanged(int viewIndex, const solarchip::MapReadout &readout);
    /// The view the user last clicked (for per-view settings panels).
    void currentViewChanged(int viewIndex);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void relayout();
    MapView *createView();

    QGridLayout *m_layout = nullptr;
    ViewLink *m_link = nullptr;
    std::vector<MapView *> m_views;
    int m_columns = 0;
    int m_current = -1;
};

}  // namespace solarchip
