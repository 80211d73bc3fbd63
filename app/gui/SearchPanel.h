#pragma once
// The "Archive search" dock's content: what the store holds and the embedding job (Embed / Cancel, a progress
// bar with ETA), the query's filters (channel, date range, exclude the query's own region +-N days, on-disk only,
// limb distance, number of hits), the gallery of hits (ResultsGallery) and Export CSV / JSON. It edits
// SearchController's filters and shows its state; all the work is the controller's.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace solarchip {

class ResultsGallery;
class SearchController;

class SearchPanel : public QWidget {
    Q_OBJECT
public:
    SearchPanel(SearchController *controller, QWidget *parent = nullptr);

    ResultsGallery *gallery() const { return m_gallery; }
    QLabel *statusLabel() const { return m_status; }
    /// The archive's channels for the channel filter.
    void setChannels(const QStringList &channels);

private:
    void applyFilters();
    void updateState();
    void exportHits(bool json);

    SearchController *m_controller;
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_embed;
    QPushButton *m_cancel;
    QComboBox *m_channel;
    QCheckBox *m_useDates;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QDoubleSpinBox *m_exclude;
    QCheckBox *m_onDisk;
    QDoubleSpinBox *m_limb;
    QSpinBox *m_k;
    QLabel *m_queryLabel;
    ResultsGallery *m_gallery;
    QPushButton *m_exportCsv;
    QPushButton *m_exportJson;
};

}  // namespace solarchip
