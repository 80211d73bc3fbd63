#include "app/gui/HeaderDialog.h"

#include "core/base/ThreadBudget.h"
#include "core/map/MapFile.h"
#include "core/map/SdoMap.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace solarchip {

namespace {

// One card as the file has it: its 80-column record, or (a value no record holds whole) the card's text.
QString cardText(const FitsCard &card)
{
    const QByteArray image = FitsHeader::cardImage(card);
    if (!image.isEmpty())
        return QString::fromLatin1(image).trimmed();
    return card.comment.isEmpty() ? QStringLiteral("%1 = %2").arg(card.key, card.value)
                                  : QStringLiteral("%1 = %2 / %3").arg(card.key, card.value, card.comment);
}

}  // namespace

HeaderDialog::HeaderDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("headerDialog"));
    setWindowTitle(tr("FITS header"));
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("headerSource"));
    m_source->addItem(tr("As stored in the file"));
    m_source->addItem(tr("As shown (after prep and co-registration)"));
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("headerFilter"));
    m_filter->setPlaceholderText(tr("Filter cards (e.g. CRPIX, T_OBS, HISTORY)"));
    m_filter->setClearButtonEnabled(true);
    row->addWidget(m_source);
    row->addWidget(m_filter, 1);
    layout->addLayout(row);
    m_about = new QLabel(this);
    m_about->setObjectName(QStringLiteral("headerAbout"));
    m_about->setWordWrap(true);
    m_about->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_about);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("headerText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // 80 columns and a margin for the scroll bar.
    m_text->setMinimumWidth(QFontMetrics(m_text->font()).horizontalAdvance(QString(82, QLatin1Char('M'))));
    layout->addWidget(m_text, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(shownCards().join(QLatin1Char('\n'))); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_source, &QComboBox::currentIndexChanged, this, &HeaderDialog::refresh);
    connect(m_filter, &QLineEdit::textChanged, this, &HeaderDialog::refresh);
    resize(m_text->minimumWidth() + 40, 640);
}

HeaderDialog::~HeaderDialog() = default;

void HeaderDialog::setMap(std::shared_ptr<const SdoMap> map)
{
    m_map = std::move(map);
    m_read.reset();
    const quint64 ticket = ++m_ticket;
    const QString file = m_map ? m_map->meta.file : QString();
    if (!file.isEmpty()) {
        // A header is read in milliseconds from a local disk, but not from every disk: off the UI thread.
        auto *watcher = new QFutureWatcher<FileRead>(this);
        connect(watcher, &QFutureWatcher<FileRead>::finished, this, [this, watcher, ticket] {
            FileRead r = watcher->result();
            watcher->deleteLater();
            if (ticket != m_ticket)
                return;  // another map meanwhile
            m_read = std::move(r);
            refresh();
            Q_EMIT settled();
        });
        watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Io), [file] {
            FileRead r;
            auto info = MapFile::readInfo(file);
            if (!info) {
                r.error = info.errorString();
                return r;
            }
            r.header = info->source.header;
            r.hdu = info->source.hdu;
            r.compression = info->source.compression;
            return r;
        }));
    }
    setWindowTitle(m_map ? tr("FITS header: %1").arg(QFileInfo(file).fileName()) : tr("FITS header"));
    refresh();
}

void HeaderDialog::setSource(Source source) { m_source->setCurrentIndex(source == Source::File ? 0 : 1); }

HeaderDialog::Source HeaderDialog::source() const { return m_source->currentIndex() == 0 ? Source::File : Source::Shown; }

void HeaderDialog::setFilter(const QString &text) { m_filter->setText(text); }

bool HeaderDialog::isReading() const
{
    return m_map && !m_map->meta.file.isEmpty() && !m_read;
}

const FitsHeader *HeaderDialog::currentHeader() const
{
    if (source() == Source::File)
        return m_read && m_read->error.isEmpty() ? &m_read->header : nullptr;
    return m_map ? &m_map->header : nullptr;
}

QStringList HeaderDialog::shownCards() const
{
    const FitsHeader *header = currentHeader();
    QStringList out;
    if (!header)
        return out;
    const QString filter = m_filter->text().trimmed();
    for (const FitsCard &card : header->cards()) {
        const QString text = cardText(card);
        if (filter.isEmpty() || text.contains(filter, Qt::CaseInsensitive))
            out << text;
    }
    return out;
}

void HeaderDialog::refresh()
{
    const QString file = m_map ? QDir::toNativeSeparators(m_map->meta.file) : QString();
    QString about;
    if (!m_map)
        about = tr("No map in the selected view.");
    else if (source() == Source::File) {
        if (file.isEmpty())
            about = tr("This map was made in the app and has no file: its header is the one as shown.");
        else if (!m_read)
            about = tr("Reading the header of %1…").arg(file);
        else if (!m_read->error.isEmpty())
            about = m_read->error;
        else
            about = m_read->hdu > 0
                        ? tr("%1, HDU %2%3: %4 cards as stored.")
                              .arg(file)
                              .arg(m_read->hdu)
                              .arg(m_read->compression.isEmpty() ? QString() : tr(" (%1 tile-compressed: the image's header)").arg(m_read->compression))
                              .arg(m_read->header.cards().size())
                        : tr("%1 (JPEG2000): the FITS header of its XML box, %2 cards.").arg(file).arg(m_read->header.cards().size());
    } else {
        about = tr("The map as this view shows it (%1 cards): the file's header with what prep, co-registration or a "
                   "reduced read changed (see HISTORY).")
                    .arg(m_map->header.cards().size());
    }
    const QStringList cards = shownCards();
    if (!m_filter->text().trimmed().isEmpty())
        about += QLatin1Char(' ') + tr("%n card(s) match the filter.", nullptr, static_cast<int>(cards.size()));
    m_about->setText(about);
    m_text->setPlainText(cards.join(QLatin1Char('\n')));
}

QJsonObject HeaderDialog::state() const
{
    const FitsHeader *header = currentHeader();
    return QJsonObject{{QStringLiteral("file"), m_map ? m_map->meta.file : QString()},
                       {QStringLiteral("source"), source() == Source::File ? QStringLiteral("file") : QStringLiteral("shown")},
                       {QStringLiteral("hdu"), m_read ? m_read->hdu : 0},
                       {QStringLiteral("compression"), m_read ? m_read->compression : QString()},
                       {QStringLiteral("cards"), header ? static_cast<int>(header->cards().size()) : 0},
                       {QStringLiteral("shown"), static_cast<int>(shownCards().size())},
                       {QStringLiteral("filter"), m_filter->text()},
                       {QStringLiteral("pending"), isReading()},
                       {QStringLiteral("error"), m_read ? m_read->error : QString()}};
}

}  // namespace solarchip
