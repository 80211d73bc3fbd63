#pragma once
// A caption on maps that are not helioprojective (a HMI SHARP patch in Carrington CEA, a Stonyhurst map),
// saying in which projection the map is drawn and which helioprojective tools are off for it, e.g.
// "Carrington CEA: limb and co-registration off". Such maps are shown rectangular in their own
// projection with the readout in their own coordinates (as sunpy and DS9 do); without the note a user
// would not know why the limb toggle does nothing. Drawn at the bottom left; nothing for HPC maps.

#include "widgets/OverlayLayer.h"

namespace solarchip {

class OverlayProjectionNote : public OverlayLayer {
public:
    OverlayProjectionNote();
    QString id() const override { return QStringLiteral("projection"); }
    QString name() const override;
    void mapChanged(const SdoMap *map) override;
    void paint(QPainter &painter, const OverlayContext &context) override;

    /// The note for a map ("" for helioprojective maps).
    static QString noteFor(const SdoMap &map);
    QString text() const { return m_text; }

private:
    QString m_text;
};

}  // namespace solarchip
