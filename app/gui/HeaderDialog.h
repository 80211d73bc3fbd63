#pragma once
// File > FITS header (Ctrl+H, `--view header`): the header of the selected view's map, as DS9's File > Header
// shows a file's. Two sources: the file as stored (every card of its image HDU, read off the UI thread through
// MapFile::readInfo: for a tile-compressed HDU the uncompressed image's header, for a Helioviewer JPEG2000 file
// the FITS header its XML box carries), or the map as shown (after prep, co-registration or a reduced read,
// with what changed in its cards and HISTORY). A filter keeps the cards whose text holds it (case-insensitive);
// Copy puts the cards shown on the clipboard.

#include "core/map/FitsHeader.h"

#include <QDialog>
#include <QJsonObject>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace solarchip {

struct SdoMap;

class HeaderDialog : public QDialog {
    Q_OBJECT
public:
    enum class Source { File, Shown };

    explicit HeaderDialog(QWidget *parent = nullptr);
    ~HeaderDialog() override;

    /// Shows `map`'s header; the file's is read in the background (settled() follows).
    void setMap(std::shared_ptr<const SdoMap> map);
    const SdoMap *map() const { return m_map.get(); }
    void setSource(Source source);
    Source source() const;
    void setFilter(const QString &text);

    /// The cards on screen, one 80-column record each (without END).
    QStringList shownCards() const;
    /// The file's header has been read, or could not be (nothing is pending).
    bool isSettled() const { return !isReading(); }
    /// file, source ("file" | "shown"), hdu, compression, cards (of the source), shown (after the filter),
    /// filter, error (the file could not be read: its message, naming it).
    QJsonObject state() const;

Q_SIGNALS:
    void settled();

private:
    void refresh();
    /// The header of the chosen source (null: not read yet, unreadable, or no map).
    const FitsHeader *currentHeader() const;
    /// The map's file is being read.
    bool isReading() const;

    /// What reading the file gave: its image HDU's header, where the image sits and how it is stored, or why it
    /// could not be read.
    struct FileRead {
        FitsHeader header;
        int hdu = 0;  ///< 1-based FITS HDU; 0 for JPEG2000
        QString compression;
        QString error;
    };

    std::shared_ptr<const SdoMap> m_map;
    std::optional<FileRead> m_read;  // the map's file, once read
    quint64 m_ticket = 0;
    QComboBox *m_source = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_about = nullptr;
    QPlainTextEdit *m_text = nullptr;
};

}  // namespace solarchip
