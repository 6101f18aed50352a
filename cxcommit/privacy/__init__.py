"""Privacy: publishable microdata, the one gate between the imported survey and every number
(``publish``); loading a file as publishable data (``load``); what a suppressed row shows
(``suppression``)."""
